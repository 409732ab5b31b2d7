-- Shared definition over the geography extracts, run once when the extracts are loaded.
-- Kept apart from _macros.sql, which needs only the laureates (an import's preview runs it alone).

-- Outlines of the départements and régions, at their true position and moved into the
-- overseas insets (GeoJSON text); the map page and the static map of the slides read them.
create or replace macro outlines() as table
select 'departement' as level, dep_code as code, reg_code, dep_name as name,
       geometry_geojson, display_geometry_geojson
from departements
union all
select 'region' as level, reg_code as code, reg_code, reg_name as name,
       geometry_geojson, display_geometry_geojson
from regions;
