// The browser tests share two cores with everything else: one class at a time (each has its own server, sandbox and
// Chromium), so no test is slowed into a timeout by another class's browser.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
