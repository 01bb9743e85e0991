// jsonld.js on kg's JSON-LD: for each file named on the command line, its N-Quads (toRDF in safe
// mode, so anything JSON-LD would drop or guess is an error) and the @id of every node of the
// document's @graph whose "@type" is "Movie" (the filter a JavaScript user writes). A document
// loader that refuses every URL: no context may be fetched. Prints one JSON array.
"use strict";
const fs = require("fs");
const jsonld = require("jsonld");

const refuse = async (url) => {
  throw new Error(`refused to fetch ${url}: kg's JSON-LD embeds its context`);
};

async function main(paths) {
  const results = [];
  for (const path of paths) {
    const doc = JSON.parse(fs.readFileSync(path, "utf8"));
    try {
      const nquads = await jsonld.toRDF(doc, { format: "application/n-quads", safe: true, documentLoader: refuse });
      const graph = Array.isArray(doc["@graph"]) ? doc["@graph"] : [doc];
      const movies = graph.filter((n) => n["@type"] == "Movie").map((n) => n["@id"]);
      results.push({ path, nquads, movies });
    } catch (error) {
      results.push({ path, error: `${error.name}: ${error.message} ${JSON.stringify(error.details || {})}` });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(String(error.stack || error));
  process.exit(1);
});
