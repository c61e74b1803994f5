/** What a service may be called in `.github/orchestrator.yml`, in deployment tasks and in dispatches. */
export const SERVICE_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
