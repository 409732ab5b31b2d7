-- The waves of the list in service as the build inferred them from the id order: label, first
-- and last id, count and announcement date (null when the range mixes several announcements).
select
    wave_label,
    min(fabrique_number) as first_number,
    max(fabrique_number) as last_number,
    count(*) as fabriques,
    any_value(wave_date) as wave_date
from laureates
group by wave_label
order by first_number
