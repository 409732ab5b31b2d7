-- The programme's announced cumulative totals over time (national: announcements are not
-- broken down by region).
select milestone_date, event, new_laureates, announced_total, detail, source_url
from milestones
where announced_total is not null
order by milestone_date
