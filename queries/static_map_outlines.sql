-- Outlines of the départements and régions for the static map of the slides, at their true
-- position and moved into the overseas insets (GeoJSON text). Does not depend on the filter.
with departements_outlines as (
    select
        'departement' as level,
        dep_code as code,
        reg_code,
        dep_name as name,
        geometry_geojson,
        display_geometry_geojson
    from departements
),

regions_outlines as (
    select
        'region' as level,
        reg_code as code,
        reg_code,
        reg_name as name,
        geometry_geojson,
        display_geometry_geojson
    from regions
),

final as (
    select * from departements_outlines
    union all
    select * from regions_outlines
)

select * from final where geometry_geojson is not null order by level, code
