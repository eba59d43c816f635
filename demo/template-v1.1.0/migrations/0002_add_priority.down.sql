-- Complete rollback of 0002_add_priority (apply with: psql "$DEMO_DATABASE_URL" -1 -f ...).
drop index if exists idx_projects_priority;
alter table projects drop column if exists priority;
delete from demo_migrations where name = '0002_add_priority';
