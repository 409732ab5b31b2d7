-- Outlines of the départements and régions (GeoJSON text), at their true position or with
-- overseas France moved into its insets. Does not depend on the filter.
with final as (
    select
        level,
        code,
        name,
        case when $insets then display_geometry_geojson else geometry_geojson end as geometry_geojson
    from outlines()
)

select * from final where geometry_geojson is not null order by level, code
