"""What the grader says to students and instructors, in English and Chinese.

Every reason in the grade table and every line of a feedback file comes from
:data:`WORDS`, filled in by :func:`say` in the language of the run (``--language en|zh``).
Reasons are plain sentences a student can act on: no exception class of the grader, no
internal names. The grade table's ``status`` column keeps one plain English word per
row (:data:`STATUS_LABELS` gives the words feedback files show).
"""

from __future__ import annotations

from crmlab.validation import check_option

__all__ = ["LANGUAGES", "STATUS_LABELS", "WORDS", "say", "status_label"]

LANGUAGES = ("en", "zh")

#: How feedback names each status of the grade table.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "passed": ("passed", "通过"),
    "failed": ("not yet", "未通过"),
    "error": ("error", "出错"),
    "missing": ("missing", "缺失"),
    "timeout": ("time limit", "超时"),
    "crashed": ("stopped", "中断"),
    "invalid": ("invalid file", "文件无效"),
    "forbidden": ("not allowed", "不允许"),
    "manual": ("to grade by hand", "待人工评分"),
    "graded": ("graded by hand", "已人工评分"),
    "unlisted": ("not on the roster", "不在名单中"),
}

WORDS: dict[str, tuple[str, str]] = {
    "exercise": ("Exercise {number}", "练习 {number}"),
    "invalid": (
        "The file is not a notebook Jupyter can open (it may be damaged, or not saved as "
        ".ipynb), so nothing in it could be graded.",
        "该文件不是 Jupyter 能打开的笔记本（可能已损坏，或不是以 .ipynb 格式保存的），"
        "因此无法评分。"),
    "grader": (
        "The grader could not run this notebook; this is a problem on the grader's side, "
        "not in your work: please tell your instructor.",
        "评分程序无法运行这个笔记本；这是评分方的问题，不是你的作业有误：请告知老师。"),
    "forbidden": (
        "Your code uses the course's answer key or changes its checks ({what}), which graded "
        "work may not do, so this exercise scores 0.",
        "你的代码使用了课程的答案或改动了检查（{what}），作业中不允许这样做，本题记 0 分。"),
    "missing_cell": (
        "The answer cell of {exercise} is missing from your notebook (was it deleted?): keep "
        "the cells of the exercise notebook and write your code in them.",
        "你的笔记本中缺少{exercise}的答案单元格（是否被删除了？）：请保留练习笔记本中的"
        "单元格，并在其中编写代码。"),
    "missing_name": (
        "After running your notebook there is no variable {names}: store your answer in the "
        "variable the exercise names.",
        "运行你的笔记本后没有变量 {names}：请把答案存入题目指定的变量。"),
    "timeout": (
        "The answer cell of {exercise} ran longer than the time limit of {seconds} s and "
        "was stopped.",
        "{exercise}的答案单元格运行超过了 {seconds} 秒的时间限制，已被中止。"),
    "stuck": (
        "The answer cell of {exercise} ran longer than the time limit of {seconds} s and "
        "did not stop when interrupted, so the rest of the notebook could not run.",
        "{exercise}的答案单元格运行超过了 {seconds} 秒的时间限制，且中断后仍未停止，"
        "因此笔记本的其余部分无法运行。"),
    "stuck_before": (
        "Not reached: the answer cell of {exercise} ran over the time limit and did not "
        "stop when interrupted, so the notebook was stopped there.",
        "未运行到：{exercise}的答案单元格超时且中断后仍未停止，笔记本在那里被终止。"),
    "total": (
        "Not reached: your notebook used up its total time of {seconds} s before this "
        "exercise.",
        "未运行到：在这道练习之前，你的笔记本已用完 {seconds} 秒的总时间。"),
    "dead_at": (
        "Python stopped while running the answer cell of {exercise}: a crash, or more "
        "memory than the limit of {memory}. Nothing after it could run.",
        "运行{exercise}的答案单元格时 Python 停止了：程序崩溃，或内存超过 {memory} 的限制。"
        "其后的内容都无法运行。"),
    "dead": (
        "Python stopped while running your notebook, before this exercise: a crash, or more "
        "memory than the limit of {memory}.",
        "在这道练习之前 Python 停止了运行：程序崩溃，或内存超过 {memory} 的限制。"),
    "start": (
        "Your notebook could not be started (Python did not start in time); please tell "
        "your instructor.",
        "你的笔记本无法启动（Python 未能及时启动）；请告知老师。"),
    "output": (
        "Your notebook produced more output than the grader reads, so it was stopped.",
        "你的笔记本产生的输出超过了评分程序能读取的量，因此被终止。"),
    "stopped": (
        "Your notebook stopped before this exercise.",
        "你的笔记本在这道练习之前就停止了。"),
    "error": (
        "The answer cell of {exercise} raised an error: {error}",
        "{exercise}的答案单元格出错：{error}"),
    "memory_error": (
        " (more memory than the limit of {memory})",
        "（内存超过 {memory} 的限制）"),
    "hidden": (
        "A further check of your instructor's did not pass",
        "老师的另一项检查未通过"),
    "not_checkable": (
        "Your answer could not be checked ({what}): store a value of the kind the exercise "
        "asks for.",
        "无法检查你的答案（{what}）：请按题目要求的类型存储答案。"),
    "unlisted": (
        "{student} is not on the roster (the class list the notebooks were built from), so "
        "the grader cannot tell which data this notebook should fit and did not grade it: "
        "the instructor adds the id to the roster and grades again.",
        "{student} 不在名单（生成笔记本所用的学生名单）中，评分程序无法确定这个笔记本应"
        "对应哪一份数据，因此没有评分：请老师把该学号加入名单后重新评分。"),
    "own_data": (
        "This does not fit your own data (the data variant your notebooks were built with).",
        "这与你自己的数据（生成你的笔记本时所用的数据版本）不符。"),
    "other_variant": (
        "The first cell of this notebook loads other data than the roster gives you (its "
        "set_variant line is not the one your notebook was built with), so its numbers "
        "cannot fit your data: put that line back as it was and run the notebook again.",
        "这个笔记本第一个单元格载入的数据与名单给你的数据不同（其中 set_variant 这一行与"
        "生成笔记本时不一致），因此结果与你的数据不符：请把这一行恢复原样，再重新运行"
        "笔记本。"),
    "tried": ("checks tried", "检查次数"),
    "no_memory_limit": ("no limit", "无限制"),
    "reasoning": ("reasoning", "理由"),
    "rubric": ("To grade by hand. Rubric: {rubric}", "待人工评分。评分标准：{rubric}"),
    "pending": (
        "Your written reasoning is graded by hand by your instructor; its points come later.",
        "你的书面理由由老师人工评分，分数稍后给出。"),
    "graded_rubric": ("{comment}Rubric: {rubric}", "{comment}评分标准：{rubric}"),
    "title": ("# {assignment}: feedback for {student}", "# {assignment}：{student} 的反馈"),
    "score": ("Score: **{total} / {most}**", "得分：**{total} / {most}**"),
    "header": ("| exercise | points | result | what to look at |",
               "| 练习 | 得分 | 结果 | 需要注意的地方 |"),
}


def say(key: str, language: str = "en", **values) -> str:
    """Return the sentence ``key`` in ``language``, filled in.

    Examples
    --------
    >>> say("timeout", exercise="Exercise 3.1", seconds=8)
    'The answer cell of Exercise 3.1 ran longer than the time limit of 8 s and was stopped.'
    >>> say("timeout", "zh", exercise="练习 3.1", seconds=8)
    '练习 3.1的答案单元格运行超过了 8 秒的时间限制，已被中止。'
    """
    check_option(language, LANGUAGES, name="language", caller="grade")
    en, zh = WORDS[key]
    return (zh if language == "zh" else en).format(**values)


def status_label(status: str, language: str = "en") -> str:
    """Return how feedback names a status.

    Examples
    --------
    >>> status_label("timeout"), status_label("forbidden", "zh")
    ('time limit', '不允许')
    """
    en, zh = STATUS_LABELS.get(status, (status, status))
    return zh if language == "zh" else en
