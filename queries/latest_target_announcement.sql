-- The latest milestone that announced a target (a total aimed at, not reached), such as the
-- 2023 wave aimed at territories with no fabrique: event, counts, detail and source.
select milestone_date, event, new_laureates, announced_target, detail, source_url
from milestones
where announced_target is not null
order by milestone_date desc
limit 1
