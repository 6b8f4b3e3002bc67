// Drives the official Node SDK (openai 6.x) against the mock and prints what it got as one JSON line.
// Run by tests/test_mock_peers.py: OPENAI_SDK_DIR is the installed package, MOCK_BASE_URL the mock's /v1 URL.
const OpenAI = require(process.env.OPENAI_SDK_DIR);

const client = new OpenAI({ baseURL: process.env.MOCK_BASE_URL, apiKey: "node-key" });
const ask = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello from node" }] };

async function failure(call) {
  try {
    await call();
    return null;
  } catch (err) {
    return { status: err.status, code: err.code, type: err.type, requestID: err.requestID ?? null };
  }
}

async function main() {
  const out = {};
  // The SDK announces a timeout (x-stainless-timeout, in seconds) only when the call sets one.
  const chat = await client.chat.completions.create(ask, { timeout: 42000 });
  out.chat = chat.choices[0].message.content;
  out.chat_request_id = chat._request_id;

  const stream = await client.chat.completions.create({ ...ask, stream: true });
  let streamed = "";
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
  out.chat_stream = streamed;

  const response = await client.responses.create({ model: "gpt-4o-mini", input: "hello from node" });
  out.response = response.output_text;
  const events = await client.responses.create({ model: "gpt-4o-mini", input: "hello from node", stream: true });
  const kinds = [];
  let final = null;
  for await (const event of events) {
    kinds.push(event.type);
    if (event.type === "response.completed") final = event.response.output.at(0).content.at(0).text;
  }
  out.response_stream = { first: kinds.at(0), last: kinds.at(-1), text: final };

  const input = ["alpha", "beta"];
  out.embeddings_default = (await client.embeddings.create({ model: "text-embedding-3-small", input })).data.map(
    (d) => d.embedding,
  );
  out.embeddings_base64 = (
    await client.embeddings.create({ model: "text-embedding-3-small", input, encoding_format: "base64" })
  ).data.map((d) => d.embedding);
  out.embeddings_float = (
    await client.embeddings.create({ model: "text-embedding-3-small", input, encoding_format: "float" })
  ).data.map((d) => d.embedding);

  const models = [];
  for await (const model of client.models.list()) models.push(model.id);
  out.models = models;
  out.model = (await client.models.retrieve("gpt-4o-mini")).id;

  out.rate_limited = await failure(() =>
    client.chat.completions.create(ask, { headers: { "x-mock-status": "429" }, maxRetries: 0 }),
  );
  out.unknown_model = await failure(() => client.models.retrieve("no-such-model"));
  out.bad_temperature = await failure(() => client.chat.completions.create({ ...ask, temperature: 99 }));
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((err) => {
  process.stderr.write(`node client failed: ${err.stack || err}\n`);
  process.exit(1);
});
