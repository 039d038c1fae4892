using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Relational.Readership;

/// <summary>
/// Today's counts, in memory, until <see cref="ReadershipWriter"/> adds them to the store. Counting
/// takes no lock: a counter is found in a concurrent dictionary (created once per day and tally)
/// and incremented with <see cref="Interlocked"/>. The day is the UTC date when the count is made.
/// </summary>
public sealed class ReadershipCounts
{
    private readonly TimeProvider _clock;
    private readonly Lock _rolling = new();
    private readonly List<DayCounters> _ended = [];
    private volatile DayCounters _today;

    public ReadershipCounts(TimeProvider clock, IOptions<ReadershipOptions> options)
    {
        _clock = clock;
        IsOn = options.Value.Counting;
        _today = new DayCounters(Today());
    }

    public bool IsOn { get; }

    public void Add(Tally tally)
    {
        if (!IsOn)
        {
            return;
        }

        var counters = _today;
        if (counters.Day != Today())
        {
            counters = Roll();
        }

        if (!counters.Counts.TryGetValue(tally, out var counter))
        {
            counter = counters.Counts.GetOrAdd(tally, static _ => new Counter());
        }

        Interlocked.Increment(ref counter.Value);
    }

    /// <summary>
    /// Every count made since the last call, leaving zero behind. A day that has ended is taken
    /// once more after its first take after the end (a count begun just before midnight may land
    /// late), then dropped.
    /// </summary>
    public List<DailyCount> Take()
    {
        var taken = new List<DailyCount>();
        DayCounters[] days;
        lock (_rolling)
        {
            days = [.. _ended, _today];
            _ended.RemoveAll(day => day.TakenSinceEnd);
            foreach (var day in _ended)
            {
                day.TakenSinceEnd = true;
            }
        }

        foreach (var day in days)
        {
            foreach (var (tally, counter) in day.Counts)
            {
                if (Interlocked.Exchange(ref counter.Value, 0) is var count and > 0)
                {
                    taken.Add(new DailyCount(day.Day, tally, count));
                }
            }
        }

        return taken;
    }

    private DateOnly Today() => DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);

    private DayCounters Roll()
    {
        lock (_rolling)
        {
            var today = Today();
            if (_today.Day != today)
            {
                _ended.Add(_today);
                _today = new DayCounters(today);
            }

            return _today;
        }
    }

    private sealed class DayCounters(DateOnly day)
    {
        public DateOnly Day { get; } = day;

        public ConcurrentDictionary<Tally, Counter> Counts { get; } = new();

        public bool TakenSinceEnd { get; set; }
    }

    private sealed class Counter
    {
        public long Value;
    }
}
