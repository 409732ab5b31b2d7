-- The programme's announced cumulative totals over time (national: announcements are not
-- broken down by region), with the QPV / rural split an announcement gave, if any. A target
-- announced with a wave (announced_target) is not a total and is left out. new_places and
-- relabelled split a wave's laureates into new places and fabriques labelled again (2024).
select milestone_date, date_precision, event, new_laureates, new_places, relabelled, announced_total,
       announced_qpv, announced_rural, announced_qpv_pct, announced_rural_pct, detail, source_url
from milestones
where announced_total is not null
order by milestone_date
