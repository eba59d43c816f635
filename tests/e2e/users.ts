export const E2E_USER = { email: "commander@e2e.local", password: "e2e-commander-password" };
export const E2E_VIEWER = { email: "viewer@e2e.local", password: "e2e-viewer-password" };
export const E2E_ADMIN = { email: "admin@e2e.local", password: "e2e-admin-password" };
