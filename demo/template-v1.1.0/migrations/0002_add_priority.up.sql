alter table projects add column if not exists priority int;
create index if not exists idx_projects_priority on projects (priority);
