// Placeholder global setup: nothing shared yet; suites create their own databases.
export default function setup() {}
