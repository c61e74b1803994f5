import nock from "nock";
nock.disableNetConnect();
for (let i = 0; i < 3; i++) {
  nock.cleanAll();
  const s = nock("https://api.github.com");
  s.get("/a").reply(200, {});
  s.post("/b").reply(201, {});
  const t = Date.now();
  await fetch("https://api.github.com/a");
  await fetch("https://api.github.com/b", { method: "POST", body: JSON.stringify({ x: 1 }), headers: { "content-type": "application/json" } });
  console.log(i, Date.now() - t);
}
