// When a block rate is shown as a problem: on the overview cards and in a source's proxies table.

/** A block rate from which the dashboard shows it as a problem (the default blockThreshold is 30 %). */
export const BLOCKED_WARNING = 0.1;
