using Accessibility.Api.Geo;

namespace Accessibility.Api.Tests.Geo;

public class InputCrsParserTests
{
    [Theory]
    [InlineData(null, InputCrs.WGS84)]
    [InlineData("", InputCrs.WGS84)]
    [InlineData("  ", InputCrs.WGS84)]
    [InlineData("wgs84", InputCrs.WGS84)]
    [InlineData("EPSG:4326", InputCrs.WGS84)]
    [InlineData("epsg:4326", InputCrs.WGS84)]
    [InlineData("cgcs2000", InputCrs.CGCS2000)]
    [InlineData("EPSG:4490", InputCrs.CGCS2000)]
    [InlineData("gcj02", InputCrs.GCJ02)]
    [InlineData("GCJ-02", InputCrs.GCJ02)]
    [InlineData("bd09", InputCrs.BD09)]
    [InlineData(" BD-09 ", InputCrs.BD09)]
    public void Accepts_names_and_aliases(string? value, InputCrs expected)
    {
        Assert.True(InputCrsParser.TryParse(value, out var crs));
        Assert.Equal(expected, crs);
    }

    [Theory]
    [InlineData("EPSG:3857")]
    [InlineData("bd09mc")]
    [InlineData("gcj")]
    [InlineData("1")] // a numeric enum value must not slip through
    public void Rejects_unknown_names(string value) => Assert.False(InputCrsParser.TryParse(value, out _));
}
