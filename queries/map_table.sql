-- The fabriques of the current filter, one row each, as listed under the map: names, places,
-- type, inferred wave, and whether the point is placed, placed from a fallback, or not placed.
with selected as (
    select * from filtered_laureates($region, $departement, $epci, $territoire, $rural_definition)
),

final as (
    select
        fabrique_id,
        fabrique_number,
        name,
        commune_code,
        commune_name,
        dep_code,
        dep_name,
        reg_name,
        territory_type,
        wave_label,
        point_is_fallback,
        lon is not null and lat is not null as is_placed
    from selected
)

select * from final order by fabrique_number
