-- National counts of tiers-lieux from the 2018, 2021 and 2023 censuses, with their sources.
select census_year, tiers_lieux, qualifier, producer, detail, source_url
from census_totals
order by census_year
