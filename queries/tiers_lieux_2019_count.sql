-- Tiers-lieux of the 2018–2019 census (mainland only) in the current region / département.
-- The census has no territory type, so the territoire filter does not apply here.
select count(*) as tiers_lieux
from tiers_lieux_2019
where ($region is null or reg_code = $region)
  and ($departement is null or dep_code = $departement)
