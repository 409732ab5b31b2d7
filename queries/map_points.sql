-- One point per commune holding fabriques of the current filter: position (true or in the
-- overseas insets, rounded to 4 decimals, about 10 m), territory type and number of fabriques.
-- Kept to the fewest columns: this is what the browser receives per point.
with selected as (
    select * from filtered_laureates($region, $departement, $epci, $territoire, $rural_definition)
),

positioned as (
    select
        commune_code,
        territory_type,
        case when $insets then display_lon else lon end as lon,
        case when $insets then display_lat else lat end as lat
    from selected
),

final as (
    select
        commune_code,
        territory_type,
        round(any_value(lon), 4) as lon,
        round(any_value(lat), 4) as lat,
        count(*) as fabriques
    from positioned
    where lon is not null and lat is not null
    group by commune_code, territory_type
)

select * from final order by commune_code, territory_type
