-- One row per département of the current région / département (all départements when none is
-- chosen), zero included, with its fabriques of the current filter by territory type, its
-- population and fabriques per 100,000 inhabitants.
with counts as (
    select area_code as dep_code, * exclude (area_code)
    from counts_by_type(dep_code, $region, $departement, $epci, $territoire, $rural_definition)
),

listed as (
    select d.dep_code, d.dep_name, d.reg_code, r.reg_name, d.population
    from departements d
    left join regions r using (reg_code)
    where ($region is null or d.reg_code = $region)
      and ($departement is null or d.dep_code = $departement)
),

final as (
    select
        l.dep_code,
        l.dep_name,
        l.reg_code,
        l.reg_name,
        coalesce(c.fabriques, 0) as fabriques,
        coalesce(c.qpv, 0) as qpv,
        coalesce(c.rural, 0) as rural,
        coalesce(c.urbain, 0) as urbain,
        coalesce(c.indetermine, 0) as indetermine,
        l.population,
        -- Mayotte and Saint-Martin have no population in our sources: null, never 0.
        100000.0 * coalesce(c.fabriques, 0) / nullif(l.population, 0) as per_100k
    from listed l
    left join counts c using (dep_code)
)

select * from final
order by dep_code
