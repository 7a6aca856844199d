Feature: Sales offer (flows/sales_offer.flow)
  An operator offers the «Оптима+» tariff; the client's current tariff comes
  from billing when billing answers.  Each decision has its outcome.

  Background:
    Given the flow "flows/sales_offer.flow"
      | client_name   | Анна         |
      | phone         | +79170000000 |
      | account       | 12345678     |
      | operator_name | Светлана     |
    And the lookup "tariff" returns
      """
      {"name": "Базовый", "monthly_fee": 450}
      """

  Scenario: A sale by phone, with SMS and CRM webhook
    When the call is answered
    Then the caller hears "Анна, добрый день! Меня зовут Светлана"
    When the client answers "да"
    Then the caller hears "Сейчас у Вас тариф «Базовый» за 450 рублей в месяц."
    And the agent is asked "Подключим Вам «Оптиму+» прямо сейчас?"
    And the agent sees the hint "подключить сейчас"
    When the client answers "connect"
    Then the agent is asked "Подтверждаете переход"
    When the client answers "да"
    Then an SMS is sent to "phone" containing "будет подключён с 1-го числа"
    And a webhook is sent to "crm_events" containing "12345678"
    And the result "decision" is "connect"
    And the outcome is "sale"
    And the call is over

  Scenario: Billing does not answer: a general offer
    Given the lookup "tariff" fails
    When the client answers "да"
    Then the agent sees the hint "Биллинг не ответил"
    And the caller does not hear "Сейчас у Вас тариф"
    And the caller hears "Для наших клиентов есть тариф «Оптима+»"
    When the client answers "application"
    Then an e-mail is sent to "sales_backoffice" containing "Анна"
    And an SMS is sent to "+79170000000" containing "Заявка на тариф «Оптима+» принята"
    And the outcome is "application"

  Scenario: A visit to the office on a date
    Given the time is "2026-03-02 11:00 Europe/Moscow"
    When the client answers "да"
    And the client answers "visit"
    Then the agent is asked "Когда Вам удобно подойти в офис?"
    When the client answers "2026-03-10"
    Then an SMS is sent to "phone" containing "код ОПТИМА"
    And the result "visit_date" is "2026-03-10"
    And the outcome is "visit"

  Scenario: An unclear visit date twice: offer a callback instead
    When the client answers "да"
    And the client answers "visit"
    And the client answers "когда-нибудь"
    And the client answers "не помню"
    Then the agent is asked "когда я могу Вам перезвонить?"
    When the client answers "в субботу"
    Then the outcome is "callback"
    And no SMS is sent

  Scenario: Silence on the visit date: offer a callback
    When the client answers "да"
    And the client answers "visit"
    And the client stays silent 2 times
    Then the agent is asked "когда я могу Вам перезвонить?"

  Scenario: The client will think it over and names a time for a callback
    When the client answers "да"
    And the client answers "think"
    Then the caller hears "завтра в это же время"
    When the client answers "завтра в 18:00"
    Then the result "callback_time" is "завтра в 18:00"
    And the outcome is "callback"

  Scenario: The client does not know: callback refused
    When the client answers "да"
    And the client answers "затрудняюсь ответить"
    And the client answers "отказ"
    Then the outcome is "refused"

  # The flow's own choice "отказ" wins over the built-in answer `refused`.
  Scenario: A refusal with its reason
    When the client answers "да"
    And the client answers "отказ"
    Then the agent is asked "почему Вам не подходит предложение?"
    When the client answers "price"
    Then the result "refusal" is "price"
    And the result "decision" is "refuse"
    And the outcome is "refused"

  Scenario: The client will not answer at all: the built-in refusal
    When the client answers "да"
    And the client answers "не хочу отвечать"
    Then the agent is asked "почему Вам не подходит предложение?"
    When the client answers "price"
    Then the result "decision" is "refused"

  Scenario: A refusal to answer the offer, then silence on the reason
    When the client answers "да"
    And the client answers "отказ"
    And the client stays silent
    Then the result "refusal" is not set
    And the outcome is "refused"

  Scenario: Silence on the offer: no contact
    When the client answers "да"
    And the client stays silent 2 times
    Then the outcome is "breakoff"

  Scenario: No answer to the greeting: no contact
    When the call is answered
    And the client stays silent 2 times
    Then the outcome is "breakoff"
    And the agent sees the hint "Клиент не отвечает"

  Scenario: No time to talk: a callback
    When the client answers "нет"
    And the client answers "вечером"
    Then the outcome is "callback"

  Scenario: An unclear answer to the greeting: callback offer
    When the client answers "не знаю"
    Then the agent is asked "когда я могу Вам перезвонить?"

  Scenario: Hesitating on the confirmation twice: the offer is made again, then a callback
    When the client answers "да"
    And the client answers "connect"
    And the client answers "нет"
    Then the agent is asked "Подключим Вам «Оптиму+» прямо сейчас?"
    When the client answers "connect"
    And the client stays silent 2 times
    Then the caller hears "когда я могу Вам перезвонить?"
    When the client answers "не знаю"
    Then the outcome is "refused"

  Scenario: An unclear confirmation goes back to the offer
    When the client answers "да"
    And the client answers "connect"
    And the client answers "затрудняюсь ответить"
    Then the agent is asked "Подключим Вам «Оптиму+» прямо сейчас?"
    And the call is waiting for an answer

  Scenario Outline: Objections are answered and the offer resumes
    When the client answers "да"
    And the agent opens the handler "<handler>"
    Then the caller hears "<reply>"
    And the agent is asked "Подключим Вам «Оптиму+» прямо сейчас?"

    Examples:
      | handler       | reply                                  |
      | too_expensive | на 30 процентов дешевле                |
      | satisfied     | Рада, что Вам нравится наша связь      |
      | where_number  | При оформлении заказа был указан       |

  Scenario: No time: straight to the callback
    When the client answers "да"
    And the agent opens the handler "no_time"
    Then the caller hears "не буду Вас задерживать"
    And the agent is asked "когда я могу Вам перезвонить?"

  Scenario: An aggressive client gets an apology and the call ends
    When the client answers "да"
    And the agent opens the handler "aggressive"
    Then the caller hears "Нам искренне жаль"
    And the caller hears "Спасибо за уделённое время!"
    And the outcome is "refused"
