-- Fabriques of the current filter per département: count and per 100,000 inhabitants
-- (null where the population is unknown: Mayotte, Saint-Martin). in_scope says whether the
-- département is inside the région / département filter; outside it, the count is 0.
with selected as (
    select * from filtered_laureates($region, $departement, $epci, $territoire, $rural_definition)
),

counts as (
    select dep_code, count(*) as fabriques from selected group by dep_code
),

final as (
    select
        d.dep_code,
        d.dep_name,
        d.reg_code,
        d.population,
        coalesce(c.fabriques, 0) as fabriques,
        case when d.population > 0
             then 100000.0 * coalesce(c.fabriques, 0) / d.population end as per_100k,
        -- Saint-Martin has no région: under a région filter it is out of scope, not unknown.
        coalesce(($region is null or d.reg_code = $region)
                 and ($departement is null or d.dep_code = $departement), false) as in_scope
    from departements d
    left join counts c using (dep_code)
)

select * from final order by dep_code
