-- Tiers-lieux of the 2018–2019 census in the current region / département / EPCI, with the
-- national count and how many of them are overseas (a three-character département code). The
-- census has no territory type, so the territoire filter does not apply here. An EPCI is matched
-- through the census's commune code (COG 2025 communes): a row whose commune code is unknown (0)
-- or has since merged is not counted in any EPCI.
select
    count(*) filter (where ($region is null or reg_code = $region)
                       and ($departement is null or dep_code = $departement)
                       and ($epci is null or commune_code in
                            (select commune_code from communes where epci_siren = $epci))) as tiers_lieux,
    count(*) as national_tiers_lieux,
    count(*) filter (where length(dep_code) = 3) as overseas_tiers_lieux
from tiers_lieux_2019
