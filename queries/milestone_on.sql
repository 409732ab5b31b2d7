-- The programme milestone announced on a given date (event, counts, detail and source).
select milestone_date, event, new_laureates, announced_total, detail, source_url
from milestones
where milestone_date = $milestone_date
