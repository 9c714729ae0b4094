using Bkmark.Core.Email;
using MailKit.Security;

namespace Bkmark.Tests.Email;

public sealed class SmtpEmailSenderTests
{
    [Theory]
    [InlineData("smtp.azurecomm.net", 587, SecureSocketOptions.StartTls)]
    [InlineData("smtp.example.com", 465, SecureSocketOptions.SslOnConnect)]
    [InlineData("127.0.0.1", 1025, SecureSocketOptions.None)]
    [InlineData("localhost", 25, SecureSocketOptions.None)]
    [InlineData("smtp.example.com", 25, SecureSocketOptions.StartTlsWhenAvailable)]
    public void SecurityFor_ChoosesByPortAndHost_WhenSecurityIsAuto(string host, int port, SecureSocketOptions expected)
    {
        Assert.Equal(expected, SmtpEmailSender.SecurityFor(new SmtpOptions { Host = host, Port = port }));
    }

    [Fact]
    public void SecurityFor_UsesTheSetting_WhenItIsNotAuto()
    {
        Assert.Equal(SecureSocketOptions.StartTls, SmtpEmailSender.SecurityFor(new SmtpOptions { Host = "127.0.0.1", Port = 1025, Security = SmtpSecurity.StartTls }));
        Assert.Equal(SecureSocketOptions.None, SmtpEmailSender.SecurityFor(new SmtpOptions { Host = "smtp.example.com", Port = 587, Security = SmtpSecurity.None }));
    }
}
