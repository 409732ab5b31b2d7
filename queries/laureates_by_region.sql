-- One row per région (all of them, zero included) with its fabriques of the current filter by
-- territory type, its population, fabriques per 100,000 inhabitants, its share of the filter's
-- fabriques and its share of the 2023 tiers-lieux census; a last row holds fabriques outside any
-- région (Saint-Martin, a collectivité with no région) when the filter has some.
with selected as (
    select reg_code, dep_name
    from filtered_laureates($region, $departement, $epci, $territoire, $rural_definition)
),

counts as (
    select area_code as reg_code, * exclude (area_code)
    from counts_by_type(reg_code, $region, $departement, $epci, $territoire, $rural_definition)
),

census_2023 as (
    select tiers_lieux from census_totals where census_year = 2023
),

listed as (
    select r.reg_code, r.reg_name, r.population, s.share_pct as tiers_lieux_share_pct
    from regions r
    left join tiers_lieux_2023_shares s using (reg_code)
),

outside_regions as (
    select
        null::varchar as reg_code,
        'Hors région (' || string_agg(distinct dep_name, ', ' order by dep_name) || ')' as reg_name,
        null::double as population,
        null::double as tiers_lieux_share_pct
    from selected
    where reg_code is null
    having count(*) > 0
),

rows as (
    select * from listed
    union all
    select * from outside_regions
),

final as (
    select
        r.reg_code,
        r.reg_name,
        coalesce(c.fabriques, 0) as fabriques,
        coalesce(c.qpv, 0) as qpv,
        coalesce(c.rural, 0) as rural,
        coalesce(c.urbain, 0) as urbain,
        coalesce(c.indetermine, 0) as indetermine,
        r.population,
        -- Mayotte has no population in our sources: null, shown "non disponible", never 0.
        100000.0 * coalesce(c.fabriques, 0) / nullif(r.population, 0) as per_100k,
        100.0 * coalesce(c.fabriques, 0) / nullif((select count(*) from selected), 0) as fabriques_share_pct,
        r.tiers_lieux_share_pct,
        r.tiers_lieux_share_pct * (select tiers_lieux from census_2023) / 100.0 as tiers_lieux_estimate
    from rows r
    left join counts c on c.reg_code is not distinct from r.reg_code
)

select * from final
order by reg_code is null, lower(strip_accents(reg_name))
