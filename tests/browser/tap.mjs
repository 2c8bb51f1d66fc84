// TAP-style output for the browser group, in the form tests/lib.sh uses:
// "ok - browser/NAME" or "not ok - browser/NAME", then the details
// indented by four spaces (tests/run.sh counts only the first lines).
//
// A test is an async function given a context `t`:
//   t.fail(msg)   records a failure (the test goes on, so that every
//                 problem of a page is listed, not only the first);
//   t.note(msg)   adds a detail line that is printed whether it passes;
//   t.name        may be changed by the test to say what it found.
// An exception thrown by the test is a failure with its message.

function print(pass, name, details) {
  console.log(`${pass ? 'ok' : 'not ok'} - browser/${name}`);
  for (const d of details)
    for (const line of String(d).split('\n')) console.log('    ' + line);
}

// Playwright errors carry a long call log; its first lines say enough.
function brief(e) {
  const lines = String(e && e.message || e).split('\n');
  return lines.slice(0, 8).join('\n') + (lines.length > 8 ? '\n…' : '');
}

export async function test(name, fn) {
  const fails = [], notes = [];
  const t = { name, fail: m => fails.push(m), note: m => notes.push(m) };
  try {
    await fn(t);
  } catch (e) {
    fails.push(brief(e));
  }
  print(fails.length === 0, t.name, [...fails, ...notes]);
  return fails.length === 0;
}
