"""The bot's own figures from its /metrics, for the benchmarks (read with python3-prometheus-client,
quantiles interpolated in the histogram's buckets as Prometheus's histogram_quantile does)."""
import urllib.request


def own_latency(port):
    """The bot's own answer times from its /metrics (otrbot_xmpp_reply_seconds): {kind: (count,
    p50 ms, p99 ms)}, quantiles interpolated in the buckets as Prometheus's histogram_quantile."""
    return histograms(port, "otrbot_xmpp_reply_seconds", "kind")


def histograms(port, name, label=None):
    """One histogram family of the bot's /metrics: {value of `label`: (count, p50 ms, p99 ms)}
    (without a label: {"": ...})."""
    from prometheus_client.parser import text_string_to_metric_families
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=30) as r:
        text = r.read().decode()
    buckets = {}
    for family in text_string_to_metric_families(text):
        if family.name != name:
            continue
        for sample in family.samples:
            if sample.name.endswith("_bucket"):
                buckets.setdefault(sample.labels[label] if label else "", []).append(
                    (float(sample.labels["le"]), sample.value))
    out = {}
    for kind, bs in buckets.items():
        bs.sort()
        total = bs[-1][1]
        out[kind] = (int(total),) + tuple(bucket_quantile(bs, q) * 1000 for q in (0.5, 0.99))
    return out


def bucket_quantile(buckets, q):
    """histogram_quantile over sorted (upper bound, cumulative count) pairs."""
    total = buckets[-1][1]
    if total == 0:
        return float("nan")
    rank, lower, below = q * total, 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * (rank - below) / max(count - below, 1e-9)
        lower, below = bound, count
    return lower
