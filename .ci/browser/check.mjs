// The browser check: opens every page of the built book from file:// and
// through step 7, and the pages of the running step servers, in headless
// Chromium, and fails on anything a reader would see go wrong: a console
// error, a failed request, a broken image, a link or #anchor that leads
// nowhere, a file served with the wrong Content-Type, a search that finds
// nothing, the book looking different through step 7, or a server's page
// without the text it must show.
//
// `cargo xtask browser` builds the book, starts the servers and runs this:
//   node check.mjs --book DIR --book-url URL --out DIR [--page NAME=URL=TEXT]...

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

// The flags DESIGN.md gives for Chromium here: as root, and with no network
// but the loopback, it needs no sandbox and no background traffic.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// mdBook writes 404.html for a web server to show at any depth, so its links
// start at the site's root (<base href="/">): neither file:// nor /files/ is one.
const NOT_PAGES = new Set(['404.html']);

// The book pages that get screenshots, from each source.
const SCREENSHOTS = ['introduction.html', 'step4-dispatcher.html', 'cas/pass1.html'];

// What the search box must find, and on which page it is typed.
const SEARCH = { page: 'introduction.html', word: 'dispatcher' };

// The Content-Type each kind of file in the book must be served with.
const TYPES = {
  html: /^text\/html\b/,
  css: /^text\/css\b/,
  js: /^(text|application)\/javascript\b/,
  json: /^application\/json\b/,
  txt: /^text\/plain\b/,
  svg: /^image\/svg\+xml\b/,
  png: /^image\/png\b/,
  jpg: /^image\/jpeg\b/,
  jpeg: /^image\/jpeg\b/,
  gif: /^image\/gif\b/,
  ico: /^image\/(x-icon|vnd\.microsoft\.icon)\b/,
  woff: /^font\/woff\b/,
  woff2: /^font\/woff2\b/,
  ttf: /^font\/ttf\b/,
  otf: /^font\/otf\b/,
};

// The Content-Type a browser needs for what it loads, by the kind of request.
const TYPES_BY_USE = {
  document: /^text\/html\b/,
  stylesheet: /^text\/css\b/,
  script: /^(text|application)\/javascript\b/,
  font: /^font\//,
  image: /^image\//,
};

// How many pages load at once: the machine has two cores.
const PARALLEL = 4;

const PAGE_TIMEOUT_MS = 30_000;

const { values: options } = parseArgs({
  options: {
    book: { type: 'string' },
    'book-url': { type: 'string' },
    out: { type: 'string' },
    page: { type: 'string', multiple: true, default: [] },
  },
});
for (const name of ['book', 'book-url', 'out']) {
  if (!options[name]) throw new Error(`--${name} is required`);
}

// A set: mdBook shows each image twice (in the page and, for zooming, in a wrapper).
const failures = new Set();
const counts = { pages: 0, requests: 0, links: 0, external: 0, files: 0 };
const fail = (where, what) => failures.add(`${where}: ${what}`);

const book = path.resolve(options.book);
const bookPages = allFiles(book).filter((name) => name.endsWith('.html') && !NOT_PAGES.has(name));
const sources = [
  { name: 'file', base: pathToFileURL(book + '/').href },
  { name: 'step7', base: new URL(options['book-url']).href },
];
fs.rmSync(options.out, { recursive: true, force: true });
fs.mkdirSync(options.out, { recursive: true });
const screenshots = [];

const started = Date.now();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
try {
  const seen = {};
  for (const source of sources) {
    const context = await browser.newContext();
    const urls = bookPages.map((name) => new URL(name, source.base).href);
    seen[source.name] = await visitAll(context, urls, source.name, (url) => bookName(source, url));
    checkLinks(seen[source.name], source);
    await checkSearch(context, source);
    await context.close();
  }
  compareRenderings(seen.file, seen.step7);
  await checkServedTypes(sources[1].base);

  const context = await browser.newContext();
  const pages = new Map(options.page.map((spec) => {
    const [name, rest] = splitOnce(spec, '=');
    const [url, shows] = splitOnce(rest, '=');
    return [url, { name, shows }];
  }));
  const serverName = (url) => `${pages.get(url).name} ${new URL(url).pathname}`;
  const servers = await visitAll(context, [...pages.keys()], 'server', serverName);
  for (const [url, facts] of servers) {
    const { shows } = pages.get(url);
    if (facts && !facts.text.includes(shows)) fail(`server ${serverName(url)}`, `shows no "${shows}"`);
  }
  await checkServerLinks(context, servers, serverName);
  await context.close();
} finally {
  await browser.close();
}

for (const file of screenshots) console.log(`screenshot: ${file}`);
for (const failure of [...failures].sort()) console.log(`FAIL ${failure}`);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `browser check: ${counts.pages} pages (${bookPages.length} book pages from file:// and through step7, ` +
    `${options.page.length} server pages), ${counts.requests} requests, ${counts.links} internal links ` +
    `(${counts.external} external ones not followed), ${counts.files} book files fetched for their type, ` +
    `${failures.size} failures, in ${seconds} s`,
);
process.exitCode = failures.size ? 1 : 0;

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + 1)];
}

// Runs `task` on every item, `PARALLEL` at a time.
async function eachInParallel(items, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

// Loads every url in its own tab; returns what each page showed, by url.
async function visitAll(context, urls, source, label) {
  const seen = new Map();
  await eachInParallel(urls, async (url) => {
    seen.set(url, await visit(context, url, `${source} ${label(url)}`));
  });
  return seen;
}

// Loads one page as a reader would and records every failure in it under `where`.
async function visit(context, url, where) {
  counts.pages += 1;
  const page = await watchedPage(context, where);
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => document.fonts.ready);
    for (const src of await brokenImages(page)) fail(where, `broken image ${src}`);
    const shown = await page.evaluate(pageFacts);
    await screenshot(page, where);
    return shown;
  } catch (error) {
    fail(where, `cannot load ${url}: ${error.message.split('\n')[0]}`);
    return null;
  } finally {
    await page.close();
  }
}

// A new tab that records, under `where`, every error and failed request in it.
async function watchedPage(context, where) {
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  page.on('console', (message) => {
    if (message.type() === 'error' && !isFaviconGuess(message)) {
      fail(where, `console error: ${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (error) => fail(where, `script error: ${error.message}`));
  page.on('request', () => (counts.requests += 1));
  page.on('requestfailed', (request) => {
    fail(where, `${request.resourceType()} ${request.url()} failed: ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => checkResponse(response, where));
  return page;
}

// Chromium asks for /favicon.ico on its own when a page names no icon (the
// book's pages name theirs; toc.html, made for an iframe, does not). A server
// that has none answers 404, as it should: that is not the page's fault.
function isFaviconGuess(message) {
  const url = message.location().url;
  return url.startsWith('http') && new URL(url).pathname === '/favicon.ico';
}

function checkResponse(response, where) {
  const request = response.request();
  const what = `${request.resourceType()} ${response.url()}`;
  if (response.status() >= 400) {
    fail(where, `${what} answered ${response.status()} ${response.statusText()}`);
    return;
  }
  const wanted = TYPES_BY_USE[request.resourceType()];
  const type = response.headers()['content-type'];
  if (response.url().startsWith('http') && wanted && !wanted.test(type ?? '')) {
    fail(where, `${what} came with Content-Type ${type}`);
  }
}

// The `src` of every image that did not load, once every image had its chance.
function brokenImages(page) {
  return page.evaluate(async () => {
    const images = [...document.images];
    for (const image of images) image.loading = 'eager';
    await Promise.all(images.map((image) => image.decode().catch(() => {})));
    return images.filter((image) => image.naturalWidth === 0).map((image) => image.src);
  });
}

// What a page shows, for the link checks and to compare two sources of a page.
function pageFacts() {
  const style = (selector, properties) => {
    const element = document.querySelector(selector);
    if (!element) return null;
    const computed = getComputedStyle(element);
    return properties.map((property) => `${property}: ${computed.getPropertyValue(property)}`);
  };
  return {
    ids: [...document.querySelectorAll('[id], a[name]')].map((element) => element.id || element.name),
    links: [...document.querySelectorAll('a[href]')].map((link) => link.href),
    text: document.body?.innerText ?? '',
    look: {
      title: document.title,
      body: style('body', ['font-family', 'font-size', 'color', 'background-color']),
      sidebar: style('#mdbook-sidebar', ['position', 'width', 'background-color', 'color']),
      content: style('main', ['max-width', 'margin-left', 'margin-right']),
      heading: style('main h1, main h2', ['font-size', 'font-weight', 'color']),
      code: style('main code', ['font-family', 'font-size']),
      images: [...document.images].map((image) => `${image.naturalWidth}x${image.naturalHeight}`),
      fonts: [...document.fonts]
        .filter((font) => font.status === 'loaded')
        .map((font) => `${font.family} ${font.weight} ${font.style}`)
        .sort(),
      height: document.documentElement.scrollHeight,
    },
  };
}

async function screenshot(page, where) {
  const [source, name] = splitOnce(where, ' ');
  if (!SCREENSHOTS.includes(name)) return;
  const file = path.join(options.out, `${source}-${name.replaceAll('/', '-').replace(/\.html$/, '')}.png`);
  await page.screenshot({ path: file });
  screenshots.push(file);
}

// A book page's name inside the book, from its url in `source`.
function bookName(source, url) {
  return url.slice(source.base.length);
}

// The file a link inside the book leads to, or null when it leads out of it.
function bookTarget(source, url) {
  if (!url.startsWith(source.base)) return null;
  const name = decodeURIComponent(url.slice(source.base.length));
  return name === '' || name.endsWith('/') ? name + 'index.html' : name;
}

// Every link between book pages must lead to a file of the book, and its
// #anchor to an element of the page it names.
function checkLinks(seen, source) {
  for (const [url, facts] of seen) {
    if (!facts) continue;
    const where = `${source.name} ${bookName(source, url)}`;
    for (const link of facts.links) {
      const href = new URL(link);
      const fragment = decodeURIComponent(href.hash.slice(1));
      href.hash = '';
      href.search = '';
      if (!['file:', 'http:', 'https:'].includes(href.protocol) || !sameSite(href, source.base)) {
        counts.external += 1;
        continue;
      }
      counts.links += 1;
      const name = bookTarget(source, href.href);
      if (name === null) {
        fail(where, `link ${link} leads out of the book`);
      } else if (!fs.existsSync(path.join(book, name))) {
        fail(where, `link ${link} leads to ${name}, which the book does not have`);
      } else if (fragment) {
        const page = seen.get(new URL(name, source.base).href);
        if (page && !page.ids.includes(fragment)) {
          fail(where, `link ${link}: ${name} has no element with id "${fragment}"`);
        }
      }
    }
  }
}

// Whether a link stays on the book's own site: the same origin, or any file://.
function sameSite(url, base) {
  return url.protocol === 'file:' ? base.startsWith('file:') : url.origin === new URL(base).origin;
}

// Typing in mdBook's search box lists results: its index is a script, so
// this works from file:// too.
async function checkSearch(context, source) {
  const where = `${source.name} ${SEARCH.page}`;
  const page = await watchedPage(context, where);
  try {
    await page.goto(new URL(SEARCH.page, source.base).href);
    await page.click('#mdbook-search-toggle');
    // Typed key by key: mdBook searches on keyup, which filling the box in one go would not send.
    await page.locator('#mdbook-searchbar').pressSequentially(SEARCH.word);
    const results = page.locator('#mdbook-searchresults li');
    await results.first().waitFor({ timeout: PAGE_TIMEOUT_MS });
    const file = path.join(options.out, `${source.name}-search.png`);
    await page.screenshot({ path: file });
    screenshots.push(file);
    console.log(`${where}: searching "${SEARCH.word}" lists ${await results.count()} results`);
  } catch (error) {
    fail(where, `searching "${SEARCH.word}" lists no results: ${error.message.split('\n')[0]}`);
  } finally {
    await page.close();
  }
}

// Through step 7 every page must look as it does from file://.
function compareRenderings(fromFile, throughStep5) {
  for (const name of bookPages) {
    const file = fromFile.get(new URL(name, sources[0].base).href);
    const served = throughStep5.get(new URL(name, sources[1].base).href);
    if (!file || !served) continue;
    if (!file.look.body?.some((style) => style.startsWith('font-family: "Open Sans"'))) {
      fail(`file ${name}`, `the book's stylesheet is not applied: the body has ${file.look.body}`);
    }
    for (const [part, shown] of Object.entries(file.look)) {
      const other = served.look[part];
      if (JSON.stringify(shown) !== JSON.stringify(other)) {
        fail(`step7 ${name}`, `${part} differs from file://: ${JSON.stringify(other)} instead of ${JSON.stringify(shown)}`);
      }
    }
  }
}

// Every file of the book, fetched through step 7, comes whole and with the
// Content-Type its kind needs; files of other kinds are listed, not judged.
async function checkServedTypes(base) {
  const others = new Map();
  for (const name of allFiles(book)) {
    counts.files += 1;
    const where = `step7 ${name}`;
    const response = await fetch(new URL(name.split('/').map(encodeURIComponent).join('/'), base));
    const body = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type');
    const extension = path.extname(name).slice(1).toLowerCase();
    if (response.status !== 200) {
      fail(where, `answered ${response.status} ${response.statusText}`);
    } else if (!body.equals(fs.readFileSync(path.join(book, name)))) {
      fail(where, `the body differs from the file`);
    } else if (TYPES[extension] && !TYPES[extension].test(type ?? '')) {
      fail(where, `came with Content-Type ${type}`);
    } else if (!TYPES[extension]) {
      others.set(`${extension || name} as ${type}`, (others.get(`${extension || name} as ${type}`) ?? 0) + 1);
    }
  }
  for (const [kind, count] of others) console.log(`step7 serves ${count} file(s) of kind ${kind} (a kind not judged here)`);
}

// Every file under `dir`, as paths relative to it with `/` separators.
function allFiles(dir, prefix = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const name = prefix + entry.name;
    return entry.isDirectory() ? allFiles(path.join(dir, entry.name), name + '/') : [name];
  });
}

// The links of the step servers' pages: each must answer, and an #anchor on
// a page that was visited must name one of its elements.
async function checkServerLinks(context, seen, serverName) {
  const checked = new Map();
  for (const [url, facts] of seen) {
    if (!facts) continue;
    const where = `server ${serverName(url)}`;
    for (const link of facts.links) {
      const href = new URL(link);
      if (href.origin !== new URL(url).origin) {
        counts.external += 1;
        continue;
      }
      counts.links += 1;
      const fragment = decodeURIComponent(href.hash.slice(1));
      href.hash = '';
      const page = seen.get(href.href);
      if (page) {
        if (fragment && !page.ids.includes(fragment)) fail(where, `link ${link}: no element with id "${fragment}"`);
        continue;
      }
      if (!checked.has(href.href)) {
        counts.requests += 1;
        checked.set(href.href, (await context.request.get(href.href)).status());
      }
      const status = checked.get(href.href);
      if (status >= 400) fail(where, `link ${link} answered ${status}`);
    }
  }
}
