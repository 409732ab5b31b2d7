-- Share of the population living in an EPCI that holds at least one fabrique of the filter:
-- one row for France, one per région, one per département (level = 'france', 'region',
-- 'departement'). Counted commune by commune (an EPCI spanning two départements counts in each
-- for its own communes); communes outside any EPCI (four islands, Saint-Martin) count in the
-- population, never as covered. Populations: municipal populations (vintage in the manifest).
with covered_epci as (
    select distinct epci_siren
    from filtered_laureates(null, null, null, $territoire, $rural_definition)
    where epci_siren is not null
),

flagged as (
    select
        c.dep_code,
        c.reg_code,
        c.population,
        c.epci_siren,
        c.epci_siren is not null and c.epci_siren in (select epci_siren from covered_epci) as covered
    from communes c
),

by_level as (
    select 'france' as level, null as code, count(distinct epci_siren) as epci,
           count(distinct epci_siren) filter (where covered) as epci_with_fabrique,
           sum(population) as population, sum(population) filter (where covered) as population_covered
    from flagged
    union all
    select 'region', reg_code, count(distinct epci_siren),
           count(distinct epci_siren) filter (where covered),
           sum(population), sum(population) filter (where covered)
    from flagged where reg_code is not null group by reg_code
    union all
    select 'departement', dep_code, count(distinct epci_siren),
           count(distinct epci_siren) filter (where covered),
           sum(population), sum(population) filter (where covered)
    from flagged group by dep_code
),

final as (
    select
        b.level,
        b.code,
        case b.level when 'france' then 'France'
                     when 'region' then r.reg_name
                     else d.dep_name end as area_name,
        case b.level when 'departement' then d.reg_code when 'region' then b.code end as reg_code,
        b.epci,
        b.epci_with_fabrique,
        b.population,
        coalesce(b.population_covered, 0) as population_covered,
        -- Mayotte and Saint-Martin have no population in our sources: no share, never 0 %.
        100.0 * coalesce(b.population_covered, 0) / nullif(b.population, 0) as share_covered_pct
    from by_level b
    left join regions r on b.level = 'region' and r.reg_code = b.code
    left join departements d on b.level = 'departement' and d.dep_code = b.code
)

select * from final
order by case level when 'france' then 0 when 'region' then 1 else 2 end, code
