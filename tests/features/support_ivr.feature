Feature: Support IVR (flows/support_ivr.flow)
  A caller navigates the menu by keys; 0 reaches an operator from any question;
  out of hours, or when a queue fails, the caller leaves a voicemail.

  Background:
    Given the flow "flows/support_ivr.flow"
      | caller | +8613800000000 |
    And the time is "2026-03-03 10:00 Asia/Shanghai"
    And the language is "en"

  Scenario: Balance by account number, then a rating
    Given the lookup "balance" returns
      """
      {"amount": "88.50"}
      """
    When the call is answered
    Then the caller hears "welcome.wav"
    And the caller hears "thank you for calling customer support"
    And the caller hears "For billing and payments, press 1"
    When the caller presses "1"
    Then the caller hears "For your balance, press 1"
    When the caller presses "1"
    Then the caller hears "enter your account number"
    When the caller presses "12345678#"
    Then the caller hears "Your balance is 88.50 yuan"
    And the caller hears "Please rate this service"
    When the caller presses "5"
    Then the caller hears "Thank you for calling. Goodbye."
    And the result "rating" is 5
    And the outcome is "self_service"
    And the call is over

  Scenario: The balance cannot be looked up: the caller is put through to an operator
    Given the lookup "balance" fails
    When the caller presses "1"
    And the caller presses "1"
    And the caller presses "12345678#"
    Then the caller hears "we cannot look this up right now"
    And the call is queued to "general_support"
    And the outcome is "to_agent"
    And the call is over

  Scenario: Silence at the account number goes to the operator
    When the caller presses "1"
    And the caller presses "1"
    And the caller stays silent 2 times
    Then the call is queued to "general_support"

  Scenario: A wrong account number three times goes to the operator
    When the caller presses "1"
    And the caller presses "1"
    And the caller presses "12#"
    And the caller presses "34#"
    And the caller presses "56#"
    Then the call is queued to "general_support"

  Scenario: An e-invoice by SMS; no rating given
    When the caller presses "1"
    And the caller presses "2"
    Then an SMS is sent to "caller" containing "e-invoice"
    And the caller hears "Your e-invoice has been sent"
    When the caller stays silent
    Then the result "rating" is not set
    And the outcome is "self_service"
    And the call is over

  Scenario: A payment problem is queued to billing
    When the caller presses "1"
    And the caller presses "3"
    Then the call is queued to "billing_support"
    And the outcome is "to_agent"
    And the call is over

  Scenario: The billing queue fails: voicemail e-mailed to the support inbox
    When the caller presses "1"
    And the caller presses "3"
    And the transfer fails
    Then the caller hears "Please leave a message after the tone"
    And the caller's message is recorded
    And an e-mail is sent to "support_inbox" containing "+8613800000000"
    And the result "voicemail" is set
    And the outcome is "message_left"
    And the call is over

  Scenario: Star goes back from the billing menu to the main menu
    Given the lookup "order" returns
      """
      {"status": "已发货", "status_en": "shipped"}
      """
    When the caller presses "1"
    And the caller presses "*"
    Then the caller hears "For billing and payments, press 1"
    When the caller presses "3"
    And the caller presses "1234567890#"
    Then the caller hears "Your order status: shipped."
    When the caller presses "4"
    Then the result "rating" is 4

  Scenario Outline: Silence or wrong keys in a menu reach the operator
    When the caller presses "<menu>"
    And <what>
    Then the call is queued to "general_support"

    Examples:
      | menu | what                                |
      | 1    | the caller stays silent 2 times     |
      | 2    | the caller stays silent 2 times     |
      | 3    | the caller stays silent 2 times     |

  Scenario: Silence at the main menu reaches the operator
    When the call is answered
    And the caller stays silent 2 times
    Then the call is queued to "general_support"

  Scenario: Wrong keys three times at the main menu reach the operator
    When the caller presses "9"
    And the caller presses "8"
    And the caller presses "7"
    Then the call is queued to "general_support"

  Scenario: Wrong keys three times in the billing menu reach the operator
    When the caller presses "1"
    And the caller presses "9"
    And the caller presses "9"
    And the caller presses "9"
    Then the call is queued to "general_support"

  Scenario: Wrong keys three times in the technical menu reach the operator
    When the caller presses "2"
    And the caller presses "7"
    And the caller presses "7"
    And the caller presses "7"
    Then the call is queued to "general_support"

  Scenario: Wrong order numbers three times reach the operator
    When the caller presses "3"
    And the caller presses "1#"
    And the caller presses "2#"
    And the caller presses "3#"
    Then the call is queued to "general_support"

  Scenario: Outage notice for the caller's area, rating given with wrong keys
    Given the lookup "outage" returns
      """
      {"notice": "您所在区域今晚维护。", "notice_en": "Maintenance in your area tonight."}
      """
    When the caller presses "2"
    And the caller presses "1"
    Then the caller hears "Maintenance in your area tonight."
    When the caller presses "9"
    And the caller presses "8"
    Then the caller hears "Goodbye"
    And the result "rating" is not set
    And the outcome is "self_service"

  Scenario: The outage lookup fails
    Given the lookup "outage" fails
    When the caller presses "2"
    And the caller presses "1"
    Then the caller hears "we cannot look this up right now"
    And the call is queued to "general_support"

  Scenario: The order lookup fails
    Given the lookup "order" fails
    When the caller presses "3"
    And the caller presses "1234567890#"
    Then the call is queued to "general_support"

  Scenario: A fault report is queued to technical support
    When the caller presses "2"
    And the caller presses "2"
    Then the call is queued to "tech_support"
    And the outcome is "to_agent"

  Scenario: The technical support queue fails: voicemail
    When the caller presses "2"
    And the caller presses "2"
    And the transfer fails
    Then the caller hears "leave a message"
    And the outcome is "message_left"

  Scenario: Star goes back from the technical menu
    When the caller presses "2"
    And the caller presses "*"
    Then the caller hears "For billing and payments, press 1"
    And the call is waiting for an answer

  Scenario: Going back and forth three times ends at the operator
    When the caller presses "1"
    And the caller presses "*"
    And the caller presses "2"
    And the caller presses "*"
    And the caller presses "1"
    And the caller presses "*"
    Then the call is queued to "general_support"

  Scenario: 0 reaches an operator from the main menu
    When the caller presses "0"
    Then the call is queued to "general_support"
    And the outcome is "to_agent"

  Scenario: 0 reaches an operator while typing an account number
    When the caller presses "1"
    And the caller presses "1"
    And the caller presses "0"
    Then the call is queued to "general_support"

  Scenario: The operator queue fails: voicemail
    When the caller presses "0"
    And the transfer fails
    Then the caller hears "leave a message"
    And the outcome is "message_left"

  Scenario: Out of hours the operator key leads to voicemail
    Given the time is "2026-03-08 20:00 Asia/Shanghai"
    When the caller presses "0"
    Then the caller hears "We are closed now"
    And the caller hears "leave a message"
    And the outcome is "message_left"

  Scenario: Out of hours on a public holiday: billing leads to voicemail
    Given the time is "2026-10-02 10:00 Asia/Shanghai"
    When the caller presses "1"
    And the caller presses "3"
    Then the caller hears "We are closed now"
    And the outcome is "message_left"

  Scenario: Out of hours: a fault report leads to voicemail
    Given the time is "2026-03-03 19:00 Asia/Shanghai"
    When the caller presses "2"
    And the caller presses "2"
    Then the caller hears "We are closed now"

  Scenario: The caller hears the menu in Chinese by default
    Given the language is "zh"
    When the call is answered
    Then the caller hears "账单与缴费请按1"
