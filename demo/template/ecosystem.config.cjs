// pm2 apps for the demo service. The DEMO_* variables are taken from the
// environment `pm2 start` runs in; `pm2 restart all --update-env` refreshes
// them. Both apps run the built files in dist/.
const PASSTHROUGH = ['DEMO_PORT', 'DEMO_DATABASE_URL', 'DEMO_REDIS_URL', 'DEMO_LOG_FILE'];

const env = {};
for (const key of PASSTHROUGH) {
  if (process.env[key] !== undefined) env[key] = process.env[key];
}

const common = {
  cwd: __dirname,
  exec_mode: 'fork',
  instances: 1,
  autorestart: true,
  max_restarts: 10,
  min_uptime: '5s',
  restart_delay: 500,
  kill_timeout: 5000,
  env,
};

module.exports = {
  apps: [
    { name: 'demo-api', script: 'dist/server.mjs', ...common },
    { name: 'demo-worker', script: 'dist/worker.mjs', ...common },
  ],
};
