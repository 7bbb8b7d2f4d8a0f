"""Feedback sentences in English and Chinese.

The language is crmlab's (:mod:`crmlab.language`; ``set_language`` and ``get_language``
are re-exported here for ``crmlab.exercises``). :func:`set_language` also chooses the
language of crmlab's own errors that students meet most in the exercises
(:data:`ERRORS_ZH`, :func:`error_text`): in a notebook, a :class:`~crmlab.CRMDataError`
is then shown with its message in Chinese (an IPython exception handler, switched by
:func:`crmlab.language.on_change`; the error and its traceback are otherwise the same).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from crmlab._errors import CRMDataError
from crmlab.language import get_language, on_change
from crmlab.language import set_language as set_language  # re-exported by crmlab.exercises

MESSAGES: dict[str, tuple[str, str]] = {
    "unanswered": (
        "Not answered yet: replace the three dots with your answer and run the cell.",
        "尚未作答：请把三个点换成你的答案，再运行该单元格。"),
    "task": ("The task: {hint}", "题目：{hint}"),
    "want_type": ("Expected {want}, got {got}.", "应为{want}，实际得到{got}。"),
    "series_of_one": (
        "You gave a Series holding one value; take the number out with .iloc[0] or .item().",
        "你给出的是只含一个值的序列；请用 .iloc[0] 或 .item() 取出数值。"),
    "list_of_one": (
        "You gave a list holding one value; take the number out with [0].",
        "你给出的是只含一个值的列表；请用 [0] 取出数值。"),
    "cannot_check": (
        "This answer cannot be checked: it is {got}, not the kind of value the exercise asks "
        "for (read the exercise again: a number, a text, a list, a Series or a DataFrame?).",
        "无法检查这个答案：它是{got}，不是本题要求的类型（请重读题目：是数值、文本、列表、"
        "序列还是数据框？）。"),
    "frame_of_one": (
        "You gave a one-cell DataFrame; take the number out with .iloc[0, 0].",
        "你给出的是只有一个单元格的数据框；请用 .iloc[0, 0] 取出数值。"),
    "number_as_text": (
        "{got} is text, not a number: remove the quotes (or use float(...)).",
        "{got} 是文本而不是数字：请去掉引号（或使用 float(...)）。"),
    "not_finite": ("{got} is not a finite number.", "{got} 不是有限的数值。"),
    "percentage": (
        "{got} looks like a percentage: rates in crmlab are fractions (0.25 rather than 25).",
        "{got} 看起来是百分数：crmlab 中的比率用小数表示（写 0.25，而不是 25）。"),
    "fraction_for_percent": (
        "{got} looks like a fraction, but this answer is in percent (or points).",
        "{got} 看起来是小数，但此题答案以百分数（或分值）表示。"),
    "complement": (
        "Your value is 1 minus the answer: you computed the opposite share.",
        "你的结果等于 1 减去正确答案：你算的是相反的那部分占比。"),
    "too_high": ("{got} is too high.", "{got} 偏大。"),
    "too_low": ("{got} is too low.", "{got} 偏小。"),
    "sign": (
        "{got} has the right size but the wrong sign: check which way round you subtracted.",
        "{got} 的大小对，但符号反了：请检查相减的先后顺序。"),
    "scale": (
        "{got} is about {factor} times too {way}: check the unit (a percentage or a share? "
        "yuan or thousands?) and what you divided by.",
        "{got} 大约{way_zh}了 {factor} 倍：请检查单位（百分数还是小数？元还是千元？）"
        "以及除数。"),
    "rounded": (
        "{got} is rounded to {digits} decimals: keep full precision (round only what you "
        "print).",
        "{got} 被四舍五入到 {digits} 位小数：请保留完整精度（只在打印时取整）。"),
    "rounded_column": (
        "The values{where} are rounded to {digits} decimals: keep full precision (round "
        "only what you print).",
        "这些值{where}被四舍五入到 {digits} 位小数：请保留完整精度（只在打印时取整）。"),
    "spelling": (
        "{got} differs from the answer only in its spelling (punctuation, hyphens, "
        "underscores or spaces): write the name exactly as the chapter does.",
        "{got} 与答案只在写法上不同（标点、连字符、下划线或空格）：请按本章的写法书写。"),
    "frame_not_series": (
        "You gave a one-column DataFrame; select the column as a Series: df[{col!r}].",
        "你给出的是单列数据框；请选取该列得到序列：df[{col!r}]。"),
    "series_not_frame": (
        " A Series is one column; build a table with .to_frame() or keep all columns.",
        "序列只是一列；请用 .to_frame() 构造表格或保留所有列。"),
    "length": ("Expected {want} values, got {got}.", "应有 {want} 个值，实际有 {got} 个。"),
    "rows": ("Expected {want} rows, got {got}.", "应有 {want} 行，实际有 {got} 行。"),
    "order": (
        "The right values in the wrong order: check the sort (sort_values / sort_index).",
        "数值正确但顺序不对：请检查排序（sort_values / sort_index）。"),
    "index": (
        "The row labels differ: unexpected {extra}; missing {missing}.",
        "行标签不一致：多出 {extra}；缺少 {missing}。"),
    "in_column": ("in column {col!r}", "（列 {col!r}）"),
    "non_numeric": ("Some values{where} are not numbers.", "有些值{where}不是数字。"),
    "off_by": (
        "Every value{where} is off by {n}: scores and bins start at 1, check the +1 or the labels.",
        "每个值{where}都相差 {n}：评分和分箱从 1 开始，请检查 +1 或标签。"),
    "percentage_column": (
        "The values{where} look like percentages: use fractions (0.25 rather than 25).",
        "这些值{where}看起来是百分数：请用小数（写 0.25，而不是 25）。"),
    "shuffled": (
        "The values{where} are right but on the wrong rows: did a sort or a merge reorder them?",
        "数值{where}正确但对应的行不对：是否排序或合并打乱了顺序？"),
    "rows_differ": (
        "{n} of {total} values{where} differ, first at {rows}.",
        "{total} 个值中有 {n} 个{where}不同，前几个在：{rows}。"),
    "got": ("you have", "你的值为"),
    "row_high": ("too high", "偏大"),
    "row_low": ("too low", "偏小"),
    "missing_columns": ("Missing column(s): {cols}.", "缺少列：{cols}。"),
    "extra_columns": (
        "Columns you have that are not expected: {cols} (a different name?).",
        "多出的列：{cols}（是否命名不同？）。"),
    "wrong_bool": ("Not quite: look at the numbers again.", "不对：请再看一下数据。"),
    "decision": (
        "Your decision (`{name}` = {value}) is not checked here: your instructor reads it "
        "with your reasoning.",
        "你的决定（`{name}` = {value}）不在这里检查：老师会结合你的理由一起评阅。"),
    "decision_missing": (
        "Your decision (`{name}`) is not stated yet: set it to True or False; your "
        "instructor reads it with your reasoning.",
        "你还没有写出决定（`{name}`）：请设为 True 或 False；老师会结合你的理由一起评阅。"),
    "wrong_text": ("{got} is not the answer.", "{got} 不是正确答案。"),
    "set_differs": (
        "The items differ: unexpected {extra}; {missing} expected item(s) missing.",
        "元素不一致：多出 {extra}；缺少 {missing} 个应有元素。"),
    "list_differs": ("The items differ.", "元素不一致。"),
    "missing_keys": ("Missing key(s): {keys}.", "缺少键：{keys}。"),
    "graded_outside": (
        "{qid}: checked by the grader, outside this notebook.",
        "{qid}：由评分程序在笔记本之外检查。"),
    "pass": ("✅ {qid} correct.", "✅ {qid} 正确。"),
    "fail": ("❌ {qid} not yet.", "❌ {qid} 还不对。"),
    "hint": ("Hint: {hint}", "提示：{hint}"),
    "bad_question_id": (
        "check: question ids look like '3.2', not {qid!r}.",
        "check：题号的格式是 '3.2'，而不是 {qid!r}。"),
    "unknown_question": (
        "No exercise {qid!r}. Exercises of chapter {chapter}: {known}.",
        "没有练习 {qid!r}。第 {chapter} 章的练习：{known}。"),
}


def language() -> str:
    """Return the feedback language in force (:func:`crmlab.language.get_language`)."""
    return get_language()


#: The kinds of value (:func:`crmlab.exercises._compare.describe`) in Chinese.
KINDS_ZH = {
    "number": "数值", "text": "文本", "text (str)": "文本（str）", "bool": "布尔值",
    "True or False": "True 或 False", "list": "列表", "dict": "字典", "Series": "序列",
    "DataFrame": "数据框", "None": "空值 None", "function": "函数",
    "builtin_function_or_method": "函数", "module": "模块",
}


def kind_name(kind: str) -> str:
    """Return the name of a kind of value in the feedback language in force.

    Examples
    --------
    >>> kind_name("Series")
    'Series'
    >>> _ = set_language("zh"); kind_name("Series"), kind_name("number")
    ('序列', '数值')
    >>> _ = set_language("en")
    """
    if get_language() != "zh":
        return kind
    return KINDS_ZH.get(kind, f"“{kind}”")


def say(key: str, **values) -> str:
    """Return the feedback sentence ``key`` in the current language, filled in.

    In Chinese, the kinds of value of ``want_type`` and ``cannot_check`` are named in
    Chinese (:func:`kind_name`).

    Examples
    --------
    >>> say("too_high", got="0.9")
    '0.9 is too high.'
    >>> set_language("zh")
    'zh'
    >>> say("too_high", got="0.9")
    '0.9 偏大。'
    >>> set_language("en")
    'en'
    """
    en, zh = MESSAGES[key]
    if key in ("want_type", "cannot_check"):
        values = {k: kind_name(v) if isinstance(v, str) else v for k, v in values.items()}
    return (zh if get_language() == "zh" else en).format(**values)


#: crmlab's own error messages that students meet most in the exercises, in Chinese: each
#: an English sentence (a regular expression over :class:`~crmlab.CRMDataError`'s text) and
#: its translation. A sentence not listed stays English; names, values and code stay as
#: they are. Listed: an unknown dataset or variant in ``load_data``; a missing column
#: (with its "did you mean"); a column of the wrong kind, missing values or no rows
#: (``validation.require``, behind ``rfm_table``, ``customer_table`` and the other
#: analyses); an option or a number out of range (``check_option``, ``check_number``,
#: ``check_fraction``).
ERRORS_ZH: tuple[tuple[str, str | Callable[[re.Match], str]], ...] = (
    (r"no dataset (?P<name>'[^']*')\. Choose one of (?P<names>[^.]*)\.",
     r"没有数据集 \g<name>。可选：\g<names>。"),
    (r"variant must be a non-empty string such as 'k7q2', got (?P<got>.*?)\. Fix: pass the "
     r"variant your notebook was built with, or leave it out for the bundled data\.",
     r"variant 必须是非空文本（例如 'k7q2'），实际得到 \g<got>。修正：传入生成你的笔记本时"
     r"所用的数据版本，或不写它以使用课程自带的数据。"),
    (r"no column (?P<name>'[^']*') in (?P<where>[^.]*)\. Columns present: (?P<cols>.*?)\."
     r"(?= |$)", r"\g<where> 中没有列 \g<name>。现有的列：\g<cols>。"),
    (r"no column (?P<name>'[^']*')\. Columns present: (?P<cols>.*?)\.(?= |$)",
     r"没有列 \g<name>。现有的列：\g<cols>。"),
    (r" ?Pass the right name, for example (?P<param>\w+)='\.\.\.'\.",
     r"请传入正确的列名，例如 \g<param>='...'。"),
    (r"expected a pandas DataFrame, got (?P<got>\w+)\. Build one with pd\.DataFrame\(\.\.\.\) "
     r"or load a file with crmlab\.read_transactions\(path\)\.",
     r"需要 pandas 的数据框（DataFrame），实际得到 \g<got>。请用 pd.DataFrame(...) 构造，"
     r"或用 crmlab.read_transactions(path) 读取文件。"),
    (r"expected a DataFrame with columns (?P<cols>.*?), got a Series\. Use series\.to_frame\(\) "
     r"or pass the whole table\.",
     r"需要含有列 \g<cols> 的数据框，实际得到一个序列（Series）。请用 series.to_frame() "
     r"或传入整张表。"),
    (r"the table has no rows\. Check the filter or file that made it\.",
     r"表中没有任何行。请检查生成它的筛选条件或文件。"),
    (r"column (?P<name>'[^']*') must be numeric; it has dtype (?P<dtype>[^ .]+) with "
     r"(?P<n>\d+) non-numeric values in (?P<rows>.*?)\.(?= |$)",
     r"列 \g<name> 必须是数值；它的类型是 \g<dtype>，其中 \g<n> 个值不是数值，位于"
     r"\g<rows>。"),
    (r"column (?P<name>'[^']*') must be numeric; it has dtype (?P<dtype>[^ .]+)\.",
     r"列 \g<name> 必须是数值；它的类型是 \g<dtype>。"),
    (r"column (?P<name>'[^']*') has (?P<n>\d+) missing values in (?P<rows>.*?)\. Fill them "
     r"\(df\[\.\.\.\]\.fillna\(0\)\) or drop those rows\.",
     r"列 \g<name> 有 \g<n> 个缺失值，位于\g<rows>。请填补（df[...].fillna(0)）"
     r"或删除这些行。"),
    (r"column (?P<name>'[^']*') must hold dates \(datetime64\); it has dtype (?P<dtype>\S+) "
     r"\(first value (?P<first>.*?)\)\. Convert with (?P<code>.*?) or read the file with "
     r"crmlab\.read_transactions\.",
     r"列 \g<name> 必须是日期（datetime64）；它的类型是 \g<dtype>（第一个值为 \g<first>）。"
     r"请用 \g<code> 转换，或用 crmlab.read_transactions 读取文件。"),
    (r"(?P<what>\w+=\S+) is not one of (?P<options>.*?)\.(?= |$)",
     r"\g<what> 不是可选值之一（\g<options>）。"),
    (r"(?P<what>\w+=\S+) looks like a percentage; rates are decimals in (?P<range>\S+ \S+): "
     r"pass (?P<right>\S+), not (?P<wrong>\S+)\.",
     r"\g<what> 看起来是百分数；比率用 \g<range> 之间的小数表示：请写 \g<right>，"
     r"而不是 \g<wrong>。"),
    (r"(?P<name>\w+) must be a number, got (?P<got>.*?)\.$",
     r"\g<name> 必须是数值，实际得到 \g<got>。"),
    (r"(?P<what>\w+=\S+) must be (?P<want>[<>]=? ?[-\d.e+]+(?: and [<>]=? ?[-\d.e+]+)?)\.",
     r"\g<what> 必须 \g<want>。"),
    (r"(?P<what>\w+=\S+) must be a whole number\.", r"\g<what> 必须是整数。"),
    (r"(?P<name>\w+) must be a fraction in (?P<range>\S+ \S+), got (?P<got>.*?)\. Write it "
     r"as a fraction: (?P<fix>\S+)\.", r"\g<name> 必须是 \g<range> 之间的小数，实际得到 "
     r"\g<got>。请写成小数：\g<fix>。"),
    (r"(?P<name>\w+) must be a number in (?P<range>\S+ \S+), got (?P<got>.*?)\.(?= |$)",
     r"\g<name> 必须是 \g<range> 之间的数，实际得到 \g<got>。"),
    (r"(?P<what>\w+=\S+) must be in (?P<range>\S+ \S+)\.(?= |$)",
     r"\g<what> 必须在 \g<range> 之内。"),
    (r"(?P<name>\w+) must be a whole number from (?P<low>\d+) to (?P<high>\d+), got "
     r"(?P<got>.*?)\.(?= |$)", r"\g<name> 必须是 \g<low> 到 \g<high> 之间的整数，实际得到 "
     r"\g<got>。"),
    (r"Convert with (?P<code>pd\.to_numeric\(.*?\)) after removing currency symbols and "
     r"thousands separators, or read the file with crmlab\.read_transactions, which does "
     r"that\.", r"请先去掉货币符号和千位分隔符，再用 \g<code> 转换，或用 "
     r"crmlab.read_transactions 读取文件（它会完成这些）。"),
    (r" ?Did you mean (?P<what>.+?)\?", r"是不是想写 \g<what>？"),
    (r" \(or (?P<more>[^)]*)\)？", r"（或 \g<more>）？"),
    (r"(?<![A-Za-z_])rows? (?P<rows>\d[\d, ]*?)(?:, \.\.\. \((?P<n>\d+) in all\))?"
     r"(?= \(|[。，；)]|$)",
     lambda m: f"第 {m['rows']} 行" + (f"……（共 {m['n']} 行）" if m["n"] else "")),
)

_ERRORS_ZH = [(re.compile(en), zh) for en, zh in ERRORS_ZH]


def error_text(message: str, language: str | None = None) -> str:
    """Return a crmlab error message in the feedback language (the listed sentences).

    In English the message is returned as it is. In Chinese each sentence of
    :data:`ERRORS_ZH` is translated, the colon after the function's name becomes a
    full-width one, and anything else stays as it was.

    Examples
    --------
    >>> error_text("load_data: no dataset 'retail'. Choose one of leads, survey. Did you "
    ...            "mean 'leads'?", "zh")
    "load_data：没有数据集 'retail'。可选：leads, survey。是不是想写 'leads'？"
    >>> print(error_text("rfm_table: no column 'cid'. Columns present: customer_id, amount. "
    ...                  "Did you mean customer='customer_id'?", "zh"))
    rfm_table：没有列 'cid'。现有的列：customer_id, amount。是不是想写 customer='customer_id'？
    >>> error_text("rfm_table: no column 'x'.", "en")
    "rfm_table: no column 'x'."
    """
    if (language or get_language()) != "zh":
        return message
    text = re.sub(r"^(\w+): ", r"\1：", message)
    for pattern, zh in _ERRORS_ZH:
        text = pattern.sub(zh, text)
    return text.replace("。 ", "。")


def _show_in_chinese(shell, etype, value, tb, tb_offset=None):
    """IPython's handler of a CRMDataError while the language is Chinese: the same
    traceback, its message translated (:func:`error_text`)."""
    translated = etype(error_text(str(value), "zh")).with_traceback(tb)
    shell.showtraceback((etype, translated, tb), tb_offset=tb_offset)


def _ipython_errors(language: str) -> None:
    """Show crmlab's errors in a notebook in the language chosen (nothing outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return
    if language == "zh":
        shell.set_custom_exc((CRMDataError,), _show_in_chinese)
    elif CRMDataError in getattr(shell, "custom_exceptions", ()):
        shell.set_custom_exc((), None)


on_change(_ipython_errors)  # crmlab.set_language also switches the notebook error handler
