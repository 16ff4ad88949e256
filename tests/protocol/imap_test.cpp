// What the IMAP poller says and reads: mailbox URLs, STATUS and SEARCH answers, Return-Path.
#include "protocol/imap.hpp"

#include <gtest/gtest.h>

namespace touchpoint::protocol {
namespace {

TEST(ImapUrl, ServerAndDecodedMailboxWithInboxByDefault) {
  auto m = parse_imap_url("imaps://imap.example.com:993/Support%20Italia");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->server, "imaps://imap.example.com:993");
  EXPECT_EQ(m->mailbox, "Support Italia");
  EXPECT_EQ(imap_message_url(*m, 7, 42), "imaps://imap.example.com:993/Support%20Italia;UIDVALIDITY=7/;UID=42");
  EXPECT_EQ(parse_imap_url("imap://127.0.0.1:1143")->mailbox, "INBOX");
  EXPECT_EQ(parse_imap_url("imap://h/")->mailbox, "INBOX");
  for (const char* bad : {"https://h/INBOX", "imap://", "imap://user:pw@h/INBOX", "imap://h/INBOX;UID=1", "imap://h/%zz"})
    EXPECT_FALSE(parse_imap_url(bad)) << bad;
  EXPECT_EQ(imap_quoted("a\"b\\c\r\n"), "\"a\\\"b\\\\c\"");
}

TEST(ImapAnswers, StatusAndSearchAreReadWhateverTheOrderAndCase) {
  auto s = parse_imap_status("* STATUS \"INBOX\" (UIDNEXT 44 uidvalidity 3857529045)\r\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->uidvalidity, 3857529045);
  EXPECT_EQ(s->uidnext, 44);
  EXPECT_FALSE(parse_imap_status("* STATUS INBOX (MESSAGES 3)\r\n"));
  EXPECT_EQ(parse_imap_search("* SEARCH 9 4 5\r\n", 4), (std::vector<int64_t>{5, 9}));
  EXPECT_EQ(parse_imap_search("* SEARCH 3\r\n", 3), std::vector<int64_t>{});  // n:* names the highest
  EXPECT_EQ(parse_imap_search("* SEARCH\r\n", 0), std::vector<int64_t>{});
  EXPECT_EQ(parse_imap_search("* OK x\r\n* search 2 2 1\r\n", 0), (std::vector<int64_t>{1, 2}));
}

TEST(ReturnPath, OnlyFromTheHeaderBlock) {
  EXPECT_EQ(return_path("Return-Path: <ada@example.org>\r\nFrom: x\r\n\r\nbody"), "ada@example.org");
  EXPECT_EQ(return_path("Received: x\r\nreturn-path: <>\r\n\r\n"), "");
  EXPECT_EQ(return_path("From: x\r\n\r\nReturn-Path: <no@example.org>\r\n"), std::nullopt);
  EXPECT_EQ(return_path(""), std::nullopt);
}

}  // namespace
}  // namespace touchpoint::protocol
