Feature: NPS survey (flows/nps_survey.flow)
  An operator calls a client of Uralenergo, asks for a score from 1 to 10,
  and the reason when the score is 8 or lower.  Questions off the survey go
  to the service desk by e-mail; objections have ready answers.

  Background:
    Given the flow "flows/nps_survey.flow"
      | client_name   | Иван Петров  |
      | operator_name | Ольга        |
      | company       | ООО Ромашка  |
      | inn           | 7701234567   |
      | office        | Самара       |
      | phone         | +79270000000 |

  Scenario: A promoter gives 10 and the survey is completed
    When the call is answered
    Then the caller hears "Иван Петров, добрый день"
    And the agent is asked "Вам удобно сейчас разговаривать?"
    When the client answers "да"
    Then the caller hears "время опроса займет не более 2-х минут"
    And the agent is asked "/по 10-ти бальной шкале/"
    And the agent sees the hint "Затрудняюсь ответить"
    When the client answers "10"
    Then the caller hears "Будем рады дальнейшему сотрудничеству"
    And the result "score" is 10
    And the result "reason" is not set
    And the outcome is "completed"
    And the call is over

  Scenario: A detractor names the reason
    When the client answers "yes"
    And the client answers "5"
    Then the agent is asked "что повлияло на вашу оценку"
    And the agent sees the hint "срок доставки товара"
    When the client answers "delivery"
    Then the caller hears "Всего доброго"
    And the result "score" is 5
    And the result "reason" is "delivery"
    And the outcome is "completed"

  Scenario: A detractor's other reason is written down word for word
    When the client answers "yes"
    And the client answers "3"
    And the client answers "other"
    Then the agent is asked "Что именно?"
    When the client answers "Менеджер не перезвонил"
    Then the result "reason" is "other"
    And the result "comment" is "Менеджер не перезвонил"
    And the outcome is "completed"

  Scenario: A detractor who will not say why still completes the survey
    When the client answers "yes"
    And the client answers "2"
    And the client answers "отказ"
    Then the result "reason" is "refused"
    And the outcome is "completed"

  Scenario: A detractor stays silent on the reason
    When the client answers "yes"
    And the client answers "4"
    And the caller stays silent 2 times
    Then the result "reason" is not set
    And the outcome is "completed"

  Scenario: Silence after "what exactly" closes the survey
    When the client answers "yes"
    And the client answers "6"
    And the client answers "other"
    And the caller stays silent 2 times
    Then the result "comment" is not set
    And the outcome is "completed"

  Scenario: A client who does not know the score describes the work in words
    When the client answers "yes"
    And the client answers "затрудняюсь ответить"
    Then the agent sees the hint "запишите его слова дословно"
    And the agent is asked "своими словами"
    When the client answers "Нормально работаете"
    Then the result "score" is "dont_know"
    And the result "comment" is "Нормально работаете"
    And the outcome is "completed"

  Scenario: A client who says no comment about the score twice is recorded as don't know
    When the client answers "yes"
    And the client answers "хорошо"
    Then the caller hears "Оцените, пожалуйста, от 1 до 10"
    When the client answers "сложно сказать числом"
    Then the agent is asked "своими словами"
    When the caller stays silent 2 times
    Then the result "score" is "dont_know"
    And the result "comment" is not set
    And the outcome is "completed"

  Scenario: Silence on the score question ends the call as a breakoff
    When the client answers "yes"
    And the caller stays silent
    Then the caller hears "Оцените, пожалуйста, от 1 до 10"
    When the caller stays silent
    Then the outcome is "breakoff"
    And the result "score" is not set
    And the call is over

  Scenario: A client who cannot talk agrees to a callback
    When the client answers "нет"
    Then the agent is asked "когда я могу Вам перезвонить?"
    And the caller hears "завтра во второй половине дня"
    When the client answers "в пятницу после 15:00"
    Then the caller hears "я перезвоню Вам в пятницу после 15:00"
    And the result "callback_time" is "в пятницу после 15:00"
    And the outcome is "callback"
    And the call is over

  Scenario: A client who cannot talk refuses a callback
    When the client answers "нет"
    And the client answers "отказ"
    Then the caller hears "Я Вас понял (а), всего доброго!"
    And the outcome is "refused"

  Scenario: An unclear answer to "is it convenient" leads to the callback offer
    When the client answers "не знаю"
    Then the agent is asked "когда я могу Вам перезвонить?"
    When the client answers "не знаю"
    Then the outcome is "refused"

  Scenario: Silence on the callback question is a refusal
    When the client answers "no"
    And the caller stays silent 2 times
    Then the outcome is "refused"

  Scenario: Nobody answers the greeting
    When the call is answered
    And the caller stays silent 2 times
    Then the outcome is "breakoff"
    And the agent sees the hint "Клиент не отвечает"
    And the call is over

  Scenario: An off-topic question is e-mailed to the service desk and the survey resumes
    When the client answers "yes"
    And the agent opens the handler "off_topic"
    Then the caller hears "я уточню информацию у специалиста"
    And the agent is asked "Уточните, пожалуйста, Ваш вопрос."
    And the agent sees the hint "уйдёт специалисту клиентского сервиса"
    When the client answers "Есть ли кабель ВВГ на складе в Самаре?"
    Then an e-mail is sent to "service_desk" containing "кабель ВВГ"
    And an e-mail is sent to "service_desk" containing "ООО Ромашка, ИНН 7701234567"
    And the agent is asked "/по 10-ти бальной шкале/"
    When the client answers "9"
    Then the outcome is "completed"
    And the result "score" is 9

  Scenario: Silence after the off-topic question ends the call
    When the client answers "yes"
    And the agent opens the handler "off_topic"
    And the caller stays silent 2 times
    Then the outcome is "breakoff"

  Scenario: The client hangs up mid-survey: the answers given are kept
    When the client answers "yes"
    And the client answers "7"
    Then the agent is asked "что повлияло на вашу оценку"
    When the caller hangs up
    Then the outcome is "breakoff"
    And the result "score" is 7
    And the result "reason" is not set
    And the call is over

  Scenario: An aggressive client is heard out, apologised to, and the survey resumes
    When the client answers "yes"
    And the agent opens the handler "aggressive"
    Then the agent sees the hint "Не перебивая, выслушайте клиента"
    And the caller hears "мы примем Ваше замечание к сведению"
    And the caller hears "Нам искренне жаль за причиненные Вам неудобства."
    And the agent is asked "/по 10-ти бальной шкале/"
    When the client answers "8"
    And the client answers "response"
    Then the outcome is "completed"
    And the result "reason" is "response"

  Scenario Outline: An objection gets its answer and the question is asked again
    When the client answers "yes"
    And the agent opens the handler "<handler>"
    Then the caller hears "<reply>"
    And the agent is asked "/по 10-ти бальной шкале/"
    And the call is waiting for an answer

    Examples:
      | handler      | reply                                            |
      | expensive    | с кем Вы сравниваете наши цены                   |
      | out_of_stock | возможно такая проблема есть                     |
      | location     | такая проблема существует                        |
      | where_number | При оформлении заказа был указан этот номер      |

  Scenario: Wrong contact
    When the call is answered
    And the agent opens the handler "not_the_contact"
    Then the caller hears "Извините за беспокойство"
    And the outcome is "wrong_number"

  Scenario: The agent corrects a score
    When the client answers "yes"
    And the client answers "3"
    Then the agent is asked "что повлияло на вашу оценку"
    When the agent goes back
    Then the agent is asked "/по 10-ти бальной шкале/"
    When the client answers "9"
    Then the result "score" is 9
    And the outcome is "completed"
