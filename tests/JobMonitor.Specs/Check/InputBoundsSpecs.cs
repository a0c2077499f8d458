using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;

namespace JobMonitor.Specs.Check;

/// <summary>Instants near enough to now, durations a timer can wait, one-line texts.</summary>
public sealed class InputBoundsSpecs
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 21, 0, 0, TimeSpan.Zero);
    static readonly JobLimits Limits = new();

    [Theory]
    [InlineData("2026-12-02T10:00:00Z", null)]
    [InlineData("2027-12-01T21:00:00Z", null)]
    [InlineData("2025-12-01T21:00:00+01:00", null)]
    [InlineData("9999-12-31T12:00:00Z", "out_of_range")]
    [InlineData("0001-01-01T00:00:00Z", "out_of_range")]
    [InlineData("2028-01-01T00:00:00Z", "out_of_range")]
    [InlineData("9999-12-31T23:59:59-14:00", "invalid_date")]
    [InlineData("2026-12-02T10:00:00", "invalid_date")]
    public void An_instant_is_within_MaxScheduleAhead_of_now_either_way(string text, string? code) =>
        Assert.Equal(code, InputBounds.Instant(text, "scheduledAt", Now, Limits, out _)?.Code);

    [Theory]
    [InlineData("PT90S", null)]
    [InlineData("P30D", null)]
    [InlineData("720:00:00", null)]
    [InlineData("P31D", "out_of_range")]
    [InlineData("P3000000D", "out_of_range")]
    [InlineData("9999:00:00", "out_of_range")]
    [InlineData("P99999999999D", "invalid_duration")]
    [InlineData("P10675199D", "out_of_range")]
    [InlineData("-PT5S", "invalid_duration")]
    [InlineData("soon", "invalid_duration")]
    public void A_duration_is_at_most_MaxDuration_and_never_overflows(string text, string? code) =>
        Assert.Equal(code, InputBounds.Duration(text, "trapTimeout", Limits, out _)?.Code);

    [Theory]
    [InlineData("shop-web 2.4.1 — déploiement ✓", null)]
    [InlineData("a\r\nb", "control_character")]
    [InlineData("a\nb", "control_character")]
    [InlineData("a\tb", "control_character")]
    [InlineData("a\u0000", "control_character")]
    [InlineData("\u001b[31mred", "control_character")]
    [InlineData("a\u0085b", "control_character")]
    [InlineData("a\u2028b", "control_character")]
    [InlineData("a\u007fb", "control_character")]
    public void A_one_line_text_holds_no_control_character(string text, string? code) =>
        Assert.Equal(code, InputBounds.Line(text, "name", 200)?.Code);

    [Fact]
    public void A_one_line_text_is_bounded_in_length() =>
        Assert.Equal(("field_too_long", "comment"), (InputBounds.Line(new string('x', 11), "comment", 10)?.Code, InputBounds.Line(new string('x', 11), "comment", 10)?.Field));
}
