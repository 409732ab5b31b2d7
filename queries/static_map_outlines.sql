-- Outlines of the départements and régions for the static map of the slides, at their true
-- position and moved into the overseas insets (GeoJSON text). Does not depend on the filter.
select level, code, reg_code, name, geometry_geojson, display_geometry_geojson
from outlines()
where geometry_geojson is not null
order by level, code
