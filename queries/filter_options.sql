-- Régions and départements offered by the filter bar, with the région of each département.
-- Saint-Martin (978) has no région: it is listed with a null reg_code.
with deps as (
    select dep_code, dep_name, reg_code from departements
),

final as (
    select d.dep_code, d.dep_name, d.reg_code, r.reg_name
    from deps d
    left join regions r using (reg_code)
)

select * from final order by reg_name nulls last, dep_code
