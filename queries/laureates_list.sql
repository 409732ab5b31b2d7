-- The fabriques of the current filter whose name, commune or département contains the search
-- text (accent- and case-insensitive, taken literally: no wildcard), one row per fabrique.
with selected as (
    select * from filtered_laureates($region, $departement, $epci, $territoire, $rural_definition)
),

needle as (
    select lower(strip_accents($search)) as text
),

final as (
    select
        s.fabrique_id,
        s.fabrique_number,
        s.name,
        s.commune_code,
        s.commune_name,
        s.dep_code,
        s.dep_name,
        s.reg_code,
        s.reg_name,
        s.epci_siren,
        s.epci_name,
        s.epci_type,
        s.territory_type,
        s.density_level,
        s.qpv_codes,
        s.wave_label,
        s.wave_date,
        s.wave_is_inferred,
        s.lon,
        s.lat,
        s.point_is_fallback,
        s.source
    from selected s, needle n
    where n.text is null
       or contains(lower(strip_accents(s.name)), n.text)
       or contains(lower(strip_accents(s.commune_name)), n.text)
       or contains(lower(strip_accents(s.dep_name)), n.text)
)

select * from final
order by fabrique_number
