using Bkmark.Core.Email;
using Microsoft.Extensions.Options;

namespace Bkmark.Tests.Email;

public sealed class EmailRendererTests
{
    private readonly EmailRenderer renderer = new(Options.Create(new AppOptions { PublicUrl = new Uri("https://bkmark.example/") }));

    [Fact]
    public void Render_EscapesValuesOnceInHtmlAndLeavesTextPlain_WhenContentHoldsMarkup()
    {
        var content = new EmailContent("Hi <Ada>", ["Tom & Jerry's <script>alert(1)</script>"], new EmailLink("Open \"it\"", "https://bkmark.example/x?a=1&token=t"));

        var email = renderer.Render(content);

        Assert.Equal("Hi <Ada>", email.Subject);
        Assert.Contains("Tom & Jerry's <script>alert(1)</script>", email.Text, StringComparison.Ordinal);
        Assert.Contains("https://bkmark.example/x?a=1&token=t", email.Text, StringComparison.Ordinal);
        Assert.Contains("<p>Tom &amp; Jerry&#39;s &lt;script&gt;alert(1)&lt;/script&gt;</p>", email.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://bkmark.example/x?a=1&amp;token=t\"", email.Html, StringComparison.Ordinal);
        Assert.Contains("Open &quot;it&quot;", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("&amp;amp;", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EndsWithTheSecurityPageLink_InTextAndHtml()
    {
        var email = renderer.Render(new EmailContent("Subject", ["Body"]));

        Assert.EndsWith("https://bkmark.example/api/settings/security\n", email.Text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://bkmark.example/api/settings/security\">", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Or open this link", email.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/path?token=x")]
    [InlineData("data:text/html,hi")]
    public void Render_Throws_WhenTheLinkIsNotAnAbsoluteWebUrl(string url)
    {
        Assert.Throws<ArgumentException>(() => renderer.Render(new EmailContent("Subject", ["Body"], new EmailLink("Go", url))));
    }

    [Fact]
    public void Render_PutsTheSubjectOnOneLine_WhenItHoldsLineBreaks()
    {
        var email = renderer.Render(new EmailContent("Line one\r\nBcc: someone@example.com", ["Body"]));

        Assert.Equal("Line one Bcc: someone@example.com", email.Subject);
    }
}
