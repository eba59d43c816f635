-- Complete rollback of 0001_init (apply with: psql "$DEMO_DATABASE_URL" -1 -f ...).
drop table if exists activity;
drop table if exists scenes;
drop table if exists projects;
delete from demo_migrations where name = '0001_init';
