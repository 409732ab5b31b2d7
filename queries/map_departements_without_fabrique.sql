-- Départements of the current région / département filter holding no fabrique of the filter
-- (with a territory filter: none of that type), with their région.
with selected as (
    select * from filtered_laureates($region, $departement, $epci, $territoire, $rural_definition)
),

in_scope as (
    select d.dep_code, d.dep_name, r.reg_name, d.population
    from departements d
    left join regions r using (reg_code)
    where ($region is null or d.reg_code = $region)
      and ($departement is null or d.dep_code = $departement)
),

final as (
    select *
    from in_scope
    where dep_code not in (select dep_code from selected)
)

select * from final order by dep_code
