"""`make bench`: the seed's latency table, cold starts, load, flash sale, cost and cache figures."""
