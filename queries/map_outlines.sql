-- Outlines of the départements and régions (GeoJSON text), at their true position or with
-- overseas France moved into its insets. Does not depend on the filter.
with departements_outlines as (
    select
        'departement' as level,
        dep_code as code,
        dep_name as name,
        case when $insets then display_geometry_geojson else geometry_geojson end as geometry_geojson
    from departements
),

regions_outlines as (
    select
        'region' as level,
        reg_code as code,
        reg_name as name,
        case when $insets then display_geometry_geojson else geometry_geojson end as geometry_geojson
    from regions
),

final as (
    select * from departements_outlines
    union all
    select * from regions_outlines
)

select * from final where geometry_geojson is not null order by level, code
