-- One point per commune and territory type holding fabriques of the current filter, for the
-- static map of the slides: true position, position in the overseas insets, number of fabriques.
with selected as (
    select * from filtered_laureates($region, $departement, $epci, $territoire, $rural_definition)
),

final as (
    select
        commune_code,
        any_value(dep_code) as dep_code,
        territory_type,
        any_value(lon) as lon,
        any_value(lat) as lat,
        any_value(display_lon) as display_lon,
        any_value(display_lat) as display_lat,
        count(*) as fabriques
    from selected
    where lon is not null and lat is not null
    group by commune_code, territory_type
)

select * from final order by commune_code, territory_type
