// A deliberately small storefront for the walking skeleton, served until the Next.js
// storefront in web/ exists: the catalog with a buy button, the order page Checkout returns to
// (showing the status live), and web/public's static files (product images).
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { repoRoot } from "./handler-loader";
import { createLocalLog } from "./log";

const log = createLocalLog("web");
const publicDir = path.join(repoRoot, "web", "public");
const contentTypes: Record<string, string> = {
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

function page(title: string, apiUrl: string, body: string, script: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Shopwave</title><link rel="icon" href="/favicon.svg">
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1b2430;background:#f6f7f9}
header,main{max-width:1040px;margin:0 auto;padding:16px}
header{display:flex;gap:16px;align-items:center;justify-content:space-between}
h1{font-size:1.4rem;margin:0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:16px;list-style:none;padding:0}
.card{background:#fff;border-radius:12px;padding:12px;box-shadow:0 1px 3px #0002}
.card img{width:100%;aspect-ratio:1;border-radius:8px;background:#eef}
button{font:inherit;padding:8px 14px;border-radius:8px;border:0;background:#1d4ed8;color:#fff;cursor:pointer}
button:disabled{background:#94a3b8;cursor:not-allowed} button:focus-visible,input:focus-visible{outline:3px solid #f59e0b}
input{font:inherit;padding:8px;border:1px solid #94a3b8;border-radius:8px}
[role=alert]{color:#b91c1c} .status{font-size:2rem;font-weight:700}
</style></head><body><header><h1><a href="/">Shopwave</a></h1><p>Placeholder storefront (local stack)</p></header>
<main>${body}</main><script>const API=${JSON.stringify(apiUrl)};const money=(c,cur)=>new Intl.NumberFormat(undefined,{style:"currency",currency:cur}).format(c/100);${script}</script></body></html>`;
}

const catalogPage = (apiUrl: string) =>
  page(
    "Catalog",
    apiUrl,
    `<label>Email <input id="email" type="email" autocomplete="email" value="shopper@example.com"></label>
<p id="message" role="alert"></p><ul class="grid" id="products" aria-label="Products"></ul>`,
    `async function load(){const r=await fetch(API+"/products?limit=100");const {items}=await r.json();
document.getElementById("products").innerHTML=items.map(p=>\`<li class="card"><img src="\${p.imageUrl}" alt="\${p.name}"><h2>\${p.name}</h2>
<p>\${money(p.priceCents,p.currency)} · \${p.stock===0?"Sold out":p.stock<=3?"Only "+p.stock+" left":p.stock+" in stock"}</p>
<button data-id="\${p.id}" \${p.stock===0?"disabled":""}>Buy now</button></li>\`).join("");}
document.addEventListener("click",async e=>{const id=e.target?.dataset?.id;if(!id)return;e.target.disabled=true;
const r=await fetch(API+"/orders",{method:"POST",headers:{"content-type":"application/json"},body:JSON.stringify({email:document.getElementById("email").value,items:[{productId:id,quantity:1}]})});
const body=await r.json();if(r.ok){location.href=body.checkoutUrl;}else{document.getElementById("message").textContent=body.error.message;e.target.disabled=false;}});
load().catch(()=>{document.getElementById("message").textContent="The API is not reachable at "+API+".";});`,
  );

const orderPage = (apiUrl: string) =>
  page(
    "Your order",
    apiUrl,
    `<h2>Your order</h2><p>Status: <span class="status" id="status" aria-live="polite">checking…</span></p><ul id="items"></ul><p><a href="/">Continue shopping</a></p>`,
    `const id=location.pathname.split("/").pop();const token=new URLSearchParams(location.search).get("token");
async function poll(){const r=await fetch(API+"/orders/"+encodeURIComponent(id)+"?token="+encodeURIComponent(token||""));
if(r.status===404){document.getElementById("status").textContent="Order not found";return;}
const o=await r.json();document.getElementById("status").textContent=o.status;
document.getElementById("items").innerHTML=o.items.map(i=>"<li>"+i.quantity+" × "+i.name+"</li>").join("")+"<li><strong>Total "+money(o.totalCents,o.currency)+"</strong></li>";
if(o.status==="PENDING_PAYMENT")setTimeout(poll,1000);}
poll();`,
  );

const cancelPage = (apiUrl: string) =>
  page("Payment cancelled", apiUrl, `<h2>Payment cancelled</h2><p>Nothing was charged. <a href="/">Back to the catalog</a></p>`, "");

export async function startStorefrontPlaceholder(options: { host: string; port: number; apiUrl: string }) {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://placeholder");
    const html = (body: string, status = 200) => {
      response.writeHead(status, { "content-type": "text/html; charset=utf-8" });
      response.end(body);
    };
    if (url.pathname === "/") return html(catalogPage(options.apiUrl));
    if (/^\/orders\/[^/]+$/.test(url.pathname)) return html(orderPage(options.apiUrl));
    if (url.pathname === "/cart") return html(cancelPage(options.apiUrl));
    // Static files: resolve inside web/public only, never outside it.
    const file = path.resolve(publicDir, `.${decodeURIComponent(url.pathname)}`);
    if (file.startsWith(publicDir + path.sep) && existsSync(file) && statSync(file).isFile()) {
      response.writeHead(200, {
        "content-type": contentTypes[path.extname(file)] ?? "application/octet-stream",
        "cache-control": "public, max-age=300",
      });
      createReadStream(file).pipe(response);
      return;
    }
    html(page("Not found", options.apiUrl, "<h2>Page not found</h2><p><a href='/'>Back to the catalog</a></p>", ""), 404);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  log.info(`placeholder storefront on http://localhost:${port}`);
  return {
    url: `http://localhost:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
