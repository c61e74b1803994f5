import { diagnoseLog } from "./src/diagnose/diagnose.js";
import { planFix } from "./src/patch/plan.js";
import { validateConfig } from "./src/config/parse.js";
const log = `#12 [api 4/5] RUN python -c "import app"
#12 0.41 Traceback (most recent call last):
#12 0.41   File "/srv/app.py", line 1, in <module>
#12 0.41     import yaml  # token=ghs_abcdefghijklmnopqrstuvwxyz0123456789
#12 0.41 ModuleNotFoundError: No module named 'yaml'
#12 ERROR: process "/bin/sh -c python -c \\"import app\\"" did not complete successfully: exit code: 1
`;
const d = await diagnoseLog(log, { projectFiles: ["services/api/app.py", "services/api/requirements.txt", "services/api/Dockerfile"] });
console.log(JSON.stringify(d, null, 1));
const c = validateConfig({ services: { api: { path: "services/api" } } });
if (!c.ok) throw new Error();
const files: Record<string,string> = { "services/api/requirements.txt": "flask==3.0.0\n", "services/api/Dockerfile": "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n", "services/api/app.py": "import yaml\n" };
const reader = { readFile: async (p: string) => files[p] ?? null, listTree: async (dir: string) => Object.keys(files).filter(p => p.startsWith(dir)).map(path => ({ path, mode: "100644", type: "blob" as const })) };
const p = await planFix(d.finding!, { serviceName: "api", service: c.config.services.api!, config: c.config, repo: reader, versions: { latest: async () => "6.0.2" } });
console.log(JSON.stringify(p, null, 1));
