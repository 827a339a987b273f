/**
 * The HTML report's escaping, stylesheet and its only script (expand / collapse all).
 * Everything is inline: the page loads nothing, and a Content-Security-Policy says so.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and quoted attribute values; drops control characters. */
export function esc(s: unknown): string {
  return String(s)
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A safe id / class fragment from any text. */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** The page's Content-Security-Policy: no network, inline style and script only. */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/** The stylesheet. */
export const CSS = `
:root{--ok:#1a7f37;--okbg:#dafbe1;--bad:#cf222e;--badbg:#ffebe9;--exp:#9a6700;--expbg:#fff8c5;--mut:#57606a;--line:#d0d7de;--lk:#0969da;--lkbg:#ddf4ff}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:0 24px 48px}
h1{font-size:22px;margin:16px 0 8px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}code,.mono{font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
a{color:#0969da}nav a{margin-right:14px}
.banner{padding:12px 16px;border-radius:6px;font-size:18px;font-weight:600;margin:8px 0}
.banner.ok{background:var(--okbg);color:var(--ok);border:1px solid var(--ok)}.banner.bad{background:var(--badbg);color:var(--bad);border:1px solid var(--bad)}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid var(--line);padding:3px 7px;vertical-align:top;text-align:left}td.nw{white-space:nowrap}
th{background:#f6f8fa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sub{display:block;color:var(--mut);font-size:12px;font-weight:400}
.holds{background:var(--okbg);color:var(--ok)}.expected{background:var(--expbg);color:var(--exp)}
.unexpected{background:var(--badbg);color:var(--bad);font-weight:600}.not-run{color:var(--mut)}
.matrix td.c{text-align:center;min-width:110px}.matrix td.c .lbl{display:block;font-size:11px}.matrix td.c .cps{display:block;font-size:12px;font-weight:400}.matrix td.c a{white-space:nowrap;margin:0 2px}
.mark{font-size:16px}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
section.ce{border:1px solid var(--line);border-radius:6px;padding:4px 14px 12px;margin:14px 0}
section.ce.failure{border-color:var(--bad);border-width:2px}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}.kv>b{color:var(--mut);font-weight:600}
pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:480px}
table.tl{table-layout:fixed;width:100%;font-size:12px}
table.tl th{position:sticky;top:0;z-index:2}
table.tl td{padding:2px 5px;overflow-wrap:anywhere}table.tl td.n{width:4.5em;text-align:right;color:var(--mut)}
table.tl td.x{background:#fff}table.tl td.off{background:repeating-linear-gradient(135deg,#fff 0 6px,#f3e8ff 6px 9px)}
table.tl td.held{box-shadow:inset 3px 0 var(--lk)}
tr.k-call td.x{font-weight:600;background:#f6f8fa}tr.k-lock td.x,tr.k-unlock td.x{color:var(--lk)}
tr.k-pte td.x,tr.k-rcu td.g{color:var(--mut);font-style:italic}tr.k-irq td.x{background:#fff1e5;color:#953800;font-weight:600}
tr.k-tlb td.x{color:#8250df}
tr.k-violation td{background:var(--badbg);color:var(--bad);font-weight:600}tr.k-violation.main td{border:2px solid var(--bad)}
tr.atv td{background:#fff5f5;font-size:11px}
.fn{font-weight:600}.ctx{background:#fff1e5;color:#953800;border-radius:3px;padding:0 4px;margin-right:4px;font-size:11px}
.st{float:right;margin-left:6px}.note{font-size:11px;padding-left:1.5em}.note.k-lock,.note.k-unlock{color:var(--lk)}.note.k-pte{color:var(--mut);font-style:italic}.note.k-tlb{color:#8250df}.lk{background:var(--lkbg);color:var(--lk);border-radius:3px;padding:0 4px;margin-right:3px;font-size:11px;white-space:nowrap}
.lk.irqoff{outline:1px dashed #8250df}.io{background:#f3e8ff;color:#8250df;border-radius:3px;padding:0 4px;margin-right:3px;font-size:11px;white-space:nowrap}
.tlb{color:#8250df;font-size:11px}.tlb code{font-size:11px}
.legend{color:var(--mut);font-size:12px;margin:4px 0}.legend span{margin-right:12px}
.amap{position:relative;margin:6px 0 2px;border:1px solid #8c959f;background:#f6f8fa}
.lane{position:relative;height:30px;border-bottom:1px dashed var(--line)}.lane:last-child{border-bottom:0}
.lane .ln{position:absolute;left:4px;top:7px;font-size:10px;color:#8c959f;z-index:0}
.box{position:absolute;top:3px;height:24px;border:1px solid #0550ae;background:#b6e3ff;border-radius:3px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;font-size:10px;line-height:22px;padding:0 3px;z-index:1}
.box.s-lazily_freed,.box.s-being_purged{background:#fff8c5;border-color:#9a6700}.box.s-freed,.box.s-kfreed{background:#eaeef2;border-color:#8c959f}
.box.s-kmalloced{background:#fff;border-style:dashed}.box.overlap{background:var(--badbg);border:2px solid var(--bad)}
.box.blk{background:#fbefff;border-color:#8250df}.box.blk.s-full,.box.blk.s-fully_dirty{background:#e8d5ff}
.axis{display:flex;justify-content:space-between;font:11px ui-monospace,monospace;color:var(--mut)}
.outside{color:var(--bad);font-weight:600}
.cov tr.zero td{background:var(--badbg);color:var(--bad)}.cov{columns:2 520px}.cov>div{break-inside:avoid}
#toggles{margin:8px 0}#toggles button{margin-right:6px}
.maplegend .sw{display:inline-block;width:14px;height:10px;border:1px solid;border-radius:2px;margin-right:4px;vertical-align:middle}
.sw.box-live{background:#b6e3ff;border-color:#0550ae}.sw.box-lazy{background:#fff8c5;border-color:#9a6700}.sw.box-freed{background:#eaeef2;border-color:#8c959f}
.sw.box-km{background:#fff;border-style:dashed;border-color:#0550ae}.sw.box-ovl{background:var(--badbg);border:2px solid var(--bad)}.sw.box-blk{background:#fbefff;border-color:#8250df}
`;

/**
 * The only script: expand / collapse every section, and lazy timelines. A counterexample's
 * timeline and maps sit in a <template> (parsed, never laid out, so hundreds of them keep
 * the page fast) and are put into the page when its section is opened, or when a link or
 * the URL's #fragment points into it. Failing sections are rendered inline, without script.
 */
export const SCRIPT = `(function(){
function render(sec){if(!sec)return;var t=sec.querySelector('template.lazy');if(!t)return;var slot=sec.querySelector('.tl-slot');
if(slot){slot.replaceWith(t.content.cloneNode(true));}t.remove();}
function sectionFor(id){var s=document.getElementById(id);if(s)return s.closest?s.closest('section.ce'):null;
var all=document.querySelectorAll('section.ce');for(var i=0;i<all.length;i++){if(id.indexOf(all[i].id+'-')===0)return all[i];}return null;}
function go(id,scroll){var sec=sectionFor(id);if(sec){render(sec);var d=sec.querySelector('details');if(d)d.open=true;}
var el=document.getElementById(id);if(el&&scroll)el.scrollIntoView();}
document.addEventListener('toggle',function(e){var d=e.target;if(d&&d.open&&d.parentElement&&d.parentElement.matches('section.ce'))render(d.parentElement);},true);
document.addEventListener('click',function(e){var a=e.target&&e.target.closest?e.target.closest('a[href^="#"]'):null;if(!a)return;var id=decodeURIComponent(a.getAttribute('href').slice(1));
if(id&&!document.getElementById(id)){go(id,false);}if(document.getElementById(id)){e.preventDefault();go(id,true);history.replaceState(null,'','#'+id);}});
document.querySelectorAll('section.ce > details[open]').forEach(function(d){render(d.parentElement);});
if(location.hash)go(decodeURIComponent(location.hash.slice(1)),true);
document.documentElement.setAttribute('data-ready','1');
var t=document.getElementById('toggles');if(!t)return;t.hidden=false;
t.addEventListener('click',function(e){var b=e.target;if(!b||!b.dataset||!b.dataset.open)return;
var o=b.dataset.open==='1';document.querySelectorAll('details').forEach(function(d){d.open=o;});});})();`;
