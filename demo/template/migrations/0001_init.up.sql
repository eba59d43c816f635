create table if not exists projects (
  id serial primary key,
  name text not null,
  status text not null default 'active',
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create table if not exists scenes (
  id serial primary key,
  project_id int references projects(id) on delete cascade,
  title text not null,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index if not exists idx_scenes_project_id on scenes (project_id);

-- What the demo's worker writes steadily (one row every two seconds): the writes a point-in-time
-- recovery keeps up to its moment, and undoes after it.
create table if not exists activity (
  id bigserial primary key,
  kind text not null,
  created_at timestamptz default now()
);
