# A synthetic dyad for tests/cli_sync.sh (awk -v seed=N -v who=A|B): time (Unix s), HR (bpm),
# EDA (uS) at 4 Hz for 600 s; B starts 3 s after A and, from 300 s of A's time on, follows A by 2 s.
BEGIN {
    srand(seed); n = 2400; lag = 8
    for (k = -400; k < n; k++) { 
        y1a = 0.78 * y1a + 0.22 * (rand() - 0.5); y2a = 0.96 * y2a + 0.04 * y1a; a[k] = y1a + 2 * y2a
        y1e = 0.78 * y1e + 0.22 * (rand() - 0.5); y2e = 0.96 * y2e + 0.04 * y1e; e[k] = y1e + 2 * y2e
    }
    t0 = 1700000000 + (who == "B" ? 3 : 0)
    print "time,HR,EDA"
    for (k = 0; k < n; k++) {
        ka = k + (who == "B" ? 12 : 0)   # B starts 3 s later: its sample k is A's k + 12
        if (who == "A") v = a[ka]
        else if (ka >= 1200) v = 0.8 * a[ka - lag] + 0.6 * e[ka]
        else v = e[ka]
        printf "%.3f,%.4f,%.4f\n", t0 + k / 4, 70 + 30 * v, 5 + 3 * v
    }
}
