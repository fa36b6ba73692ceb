<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AddStaffDialog</name>
    <message>
        <source>新增工作人员账号</source>
        <translation>Add a staff account</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Staff ID</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>工号(&amp;I)：</source>
        <translation>Staff &amp;ID:</translation>
    </message>
    <message>
        <source>姓名(&amp;A)：</source>
        <translation>N&amp;ame:</translation>
    </message>
    <message>
        <source>角色(&amp;R)：</source>
        <translation>&amp;Role:</translation>
    </message>
    <message>
        <source>新增(&amp;O)</source>
        <translation>Add (&amp;O)</translation>
    </message>
    <message>
        <source>新增账号</source>
        <translation>Add account</translation>
    </message>
</context>
<context>
    <name>AlertLines</name>
    <message>
        <source>守信红名单</source>
        <translation>the red list</translation>
    </message>
    <message>
        <source>失信黑名单</source>
        <translation>the blacklist</translation>
    </message>
    <message>
        <source>经营异常名录</source>
        <translation>the business abnormality list</translation>
    </message>
    <message>
        <source>严重违法失信企业名单</source>
        <translation>the serious illegal and dishonest enterprises list</translation>
    </message>
    <message>
        <source>信用修复</source>
        <translation>credit repaired</translation>
    </message>
    <message>
        <source>期满移出</source>
        <translation>expired</translation>
    </message>
    <message>
        <source>不再有效</source>
        <translation>no longer in force</translation>
    </message>
    <message>
        <source>红色预警</source>
        <translation>red warning</translation>
    </message>
    <message>
        <source>黄色预警</source>
        <translation>yellow warning</translation>
    </message>
    <message>
        <source>蓝色预警</source>
        <translation>blue warning</translation>
    </message>
    <message>
        <source>⚠ 提醒内容无法读取（缓存文件可能被改动过）</source>
        <translation>⚠ This alert cannot be read (the cache file may have been altered)</translation>
    </message>
    <message>
        <source>无法读取的变动</source>
        <translation>unreadable change</translation>
    </message>
    <message>
        <source>公共信用信息平台</source>
        <translation>public credit platform</translation>
    </message>
    <message>
        <source>关联主体 %1</source>
        <translation>related party %1</translation>
    </message>
    <message>
        <source>列入%1（记录 %2，%3 列入，来源：%4）</source>
        <translation>Added to %1 (record %2, listed %3, source: %4)</translation>
    </message>
    <message>
        <source>%1记录变更（记录 %2，%3，有效至 %4，来源：%5）</source>
        <translation>%1 record changed (record %2, %3, in force until %4, source: %5)</translation>
    </message>
    <message>
        <source>移出%1：%2（记录 %3，%4，来源：%5）</source>
        <translation>Removed from %1: %2 (record %3, %4, source: %5)</translation>
    </message>
    <message>
        <source>新增%1：%2（%3 起，来源：%4）</source>
        <translation>New %1: %2 (since %3, source: %4)</translation>
    </message>
    <message>
        <source>%1解除：%2（%3 发现，来源：%4）</source>
        <translation>%1 lifted: %2 (noticed %3, source: %4)</translation>
    </message>
    <message>
        <source>公共信用评价 %1 → %2（%3 评价，来源：%4）</source>
        <translation>Public credit grade %1 → %2 (evaluated %3, source: %4)</translation>
    </message>
    <message>
        <source>较早的 %1 项变动未保留（每条提醒只保留最近的变动）</source>
        <translation>%1 older change(s) not kept (an alert keeps the most recent ones)</translation>
    </message>
</context>
<context>
    <name>AlertsModel</name>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>变动内容</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>提醒时间</source>
        <translation>Alerted at</translation>
    </message>
</context>
<context>
    <name>AlertsPanel</name>
    <message>
        <source>筛选：名称、号码、内容…</source>
        <translation>Filter: name, number, change…</translation>
    </message>
    <message>
        <source>筛选提醒</source>
        <translation>Filter alerts</translation>
    </message>
    <message>
        <source>未阅的变动提醒</source>
        <translation>Unread change alerts</translation>
    </message>
    <message>
        <source>提醒数量</source>
        <translation>Number of alerts</translation>
    </message>
    <message>
        <source>已阅(&amp;A)</source>
        <translation>Mark &amp;as read</translation>
    </message>
    <message>
        <source>标记所选提醒为已阅</source>
        <translation>Mark the selected alerts as read</translation>
    </message>
    <message>
        <source>刷新提醒列表</source>
        <translation>Refresh the alert list</translation>
    </message>
    <message>
        <source>所选提醒的变动内容</source>
        <translation>What changed for the selected alert</translation>
    </message>
    <message>
        <source>未阅提醒 %1 条</source>
        <translation>%1 unread alerts</translation>
    </message>
    <message>
        <source>没有未阅的变动提醒</source>
        <translation>No unread change alerts</translation>
    </message>
    <message>
        <source>选择一条提醒，查看变动内容。</source>
        <translation>Select an alert to see what changed.</translation>
    </message>
    <message>
        <source>已选 %1 条提醒。</source>
        <translation>%1 alerts selected.</translation>
    </message>
    <message>
        <source>已阅 %1 条提醒。</source>
        <translation>%1 alerts marked as read.</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <source>无数据</source>
        <translation>No data</translation>
    </message>
    <message>
        <source>仅显示最后 %1 项（共 %2 项）</source>
        <translation>Showing the last %1 of %2</translation>
    </message>
</context>
<context>
    <name>BatchResultModel</name>
    <message>
        <source>核验</source>
        <translation>Validation</translation>
    </message>
    <message>
        <source>主体名称</source>
        <translation>Subject name</translation>
    </message>
    <message>
        <source>结论</source>
        <translation>Verdict</translation>
    </message>
    <message>
        <source>措施</source>
        <translation>Measures</translation>
    </message>
    <message>
        <source>核查编号</source>
        <translation>Check ID</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>Source</translation>
    </message>
</context>
<context>
    <name>BatchWindow</name>
    <message>
        <source>批量核查 — CreditDesk</source>
        <translation>Batch check — CreditDesk</translation>
    </message>
    <message>
        <source>打开名单…</source>
        <translation>Open list…</translation>
    </message>
    <message>
        <source>打开 CSV 或 Excel 名单（Ctrl+O）</source>
        <translation>Open a CSV or Excel list (Ctrl+O)</translation>
    </message>
    <message>
        <source>打开名单文件</source>
        <translation>Open list file</translation>
    </message>
    <message>
        <source>名单文件</source>
        <translation>List file</translation>
    </message>
    <message>
        <source>尚未打开名单：支持 .csv、.txt、.xlsx</source>
        <translation>No list open yet: .csv, .txt and .xlsx are supported</translation>
    </message>
    <message>
        <source>办理事项(&amp;I)：</source>
        <translation>Business &amp;item:</translation>
    </message>
    <message>
        <source>开始核查</source>
        <translation>Start checks</translation>
    </message>
    <message>
        <source>开始核查（Ctrl+Enter）</source>
        <translation>Start checks (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>取消核查</source>
        <translation>Cancel checks</translation>
    </message>
    <message>
        <source>停止发送其余行（Esc）</source>
        <translation>Stop sending the remaining rows (Esc)</translation>
    </message>
    <message>
        <source>核查进度</source>
        <translation>Check progress</translation>
    </message>
    <message>
        <source>尚未开始</source>
        <translation>Not started</translation>
    </message>
    <message>
        <source>提示信息</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>筛选：名称、号码、结论…（Ctrl+F）</source>
        <translation>Filter: name, number, verdict… (Ctrl+F)</translation>
    </message>
    <message>
        <source>筛选结果</source>
        <translation>Filter results</translation>
    </message>
    <message>
        <source>只看有问题的行(&amp;P)</source>
        <translation>Only &amp;problem rows</translation>
    </message>
    <message>
        <source>只看无效、未核查的行</source>
        <translation>Show only invalid and unchecked rows</translation>
    </message>
    <message>
        <source>核查结果</source>
        <translation>Check results</translation>
    </message>
    <message>
        <source>核查汇总</source>
        <translation>Check summary</translation>
    </message>
    <message>
        <source>导出结果…</source>
        <translation>Export results…</translation>
    </message>
    <message>
        <source>导出为 Excel 或 CSV（Ctrl+S）</source>
        <translation>Export as Excel or CSV (Ctrl+S)</translation>
    </message>
    <message>
        <source>导出结果</source>
        <translation>Export results</translation>
    </message>
    <message>
        <source>打开批量核查名单</source>
        <translation>Open a batch check list</translation>
    </message>
    <message>
        <source>名单表格 (*.csv *.txt *.xlsx *.xls *.et *.ods);;所有文件 (*)</source>
        <translation>Lists (*.csv *.txt *.xlsx *.xls *.et *.ods);;All files (*)</translation>
    </message>
    <message>
        <source>正在读取 %1…</source>
        <translation>Reading %1…</translation>
    </message>
    <message>
        <source>%1：%2 行，证件号码列“%3”</source>
        <translation>%1: %2 rows, identifier column &quot;%3&quot;</translation>
    </message>
    <message>
        <source>已读取名单，选择办理事项后按“开始核查”。</source>
        <translation>List read: choose the business item, then press &quot;Start checks&quot;.</translation>
    </message>
    <message>
        <source>✖ 无法读取名单：%1</source>
        <translation>✖ Cannot read the list: %1</translation>
    </message>
    <message>
        <source>✖ 请先打开名单文件（Ctrl+O）。</source>
        <translation>✖ Open a list file first (Ctrl+O).</translation>
    </message>
    <message>
        <source>✖ 请选择办理事项（Alt+I）。</source>
        <translation>✖ Choose the business item (Alt+I).</translation>
    </message>
    <message>
        <source>正在核查 %1 行…</source>
        <translation>Checking %1 rows…</translation>
    </message>
    <message>
        <source>正在取消：已发出的请求返回后停止…</source>
        <translation>Cancelling: stopping once the requests already sent return…</translation>
    </message>
    <message>
        <source>已核查 %v / %m</source>
        <translation>Checked %v / %m</translation>
    </message>
    <message>
        <source>未发送</source>
        <translation>Not sent</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>核查已取消，其余行未发送。</source>
        <translation>Checks cancelled; the remaining rows were not sent.</translation>
    </message>
    <message>
        <source>核查完成。</source>
        <translation>Checks finished.</translation>
    </message>
    <message>
        <source>失败</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>✖ 批量核查失败：%1</source>
        <translation>✖ Batch check failed: %1</translation>
    </message>
    <message>
        <source>尚无核查结果。</source>
        <translation>No results yet.</translation>
    </message>
    <message>
        <source>%5 共 %1 行：在线核查 %2，离线核查 %6，未核查 %4，无效 %3</source>
        <translation>%5 %1 rows: %2 answered online, %6 offline, %4 not answered, %3 invalid</translation>
    </message>
    <message>
        <source>✖ 没有一行得到核查结论，原因见各行“核验”列。</source>
        <translation>✖ No row could be answered: the Validation column of each row says why.</translation>
    </message>
    <message>
        <source>核查完成：%1 行因平台不可用按离线快照作答，见“来源”列。</source>
        <translation>Done: %1 rows were answered from the offline snapshot because the platform could not be reached; see the Source column.</translation>
    </message>
    <message>
        <source>（%1）</source>
        <translation> (%1)</translation>
    </message>
    <message>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <source>。已取消：%1 行未发送</source>
        <translation>. Cancelled: %1 rows not sent</translation>
    </message>
    <message>
        <source>禁止受理</source>
        <translation>Prohibited</translation>
    </message>
    <message>
        <source>限制受理</source>
        <translation>Restricted</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Alert</translation>
    </message>
    <message>
        <source>守信激励</source>
        <translation>Incentive</translation>
    </message>
    <message>
        <source>未发现信用记录</source>
        <translation>No credit record found</translation>
    </message>
    <message>
        <source>-核查结果</source>
        <translation>-results</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV UTF-8 (*.csv)</source>
        <translation>CSV UTF-8 (*.csv)</translation>
    </message>
    <message>
        <source>导出核查结果</source>
        <translation>Export check results</translation>
    </message>
    <message>
        <source>✖ 没有可导出的结果。</source>
        <translation>✖ No results to export.</translation>
    </message>
    <message>
        <source>正在导出 %1…</source>
        <translation>Exporting %1…</translation>
    </message>
    <message>
        <source>已导出：%1</source>
        <translation>Exported: %1</translation>
    </message>
</context>
<context>
    <name>BreachDialog</name>
    <message>
        <source>登记为未履行</source>
        <translation>Record as breached</translation>
    </message>
    <message>
        <source>承诺书 %1（%2）补正期限为 %3，已逾期 %4 天。</source>
        <translation>Commitment letter %1 (%2) was due on %3 and is %4 days overdue. </translation>
    </message>
    <message>
        <source>已过宽限期，本机建议登记为未履行。</source>
        <translation>The grace period has ended: the desk proposes recording it as breached.</translation>
    </message>
    <message>
        <source>仍在宽限期内。</source>
        <translation>It is still within the grace period.</translation>
    </message>
    <message>
        <source>确认申请人未在期限内补齐材料？将向平台报送“未履行承诺”，须由科室负责人当场确认。</source>
        <translation>Confirm that the applicant did not hand in the materials in time? &quot;Commitment breached&quot; will be reported to the platform; a supervisor must confirm it here.</translation>
    </message>
    <message>
        <source>未履行确认</source>
        <translation>Breach confirmation</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>登记为未履行(&amp;B)</source>
        <translation>Record as &amp;breached</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>备注(&amp;N)：</source>
        <translation>&amp;Note:</translation>
    </message>
</context>
<context>
    <name>BundleView</name>
    <message>
        <source>导入其他窗口的日志包…</source>
        <translation>Import another desk&apos;s log bundle…</translation>
    </message>
    <message>
        <source>窗口</source>
        <translation>Desk</translation>
    </message>
    <message>
        <source>起止日期</source>
        <translation>Days</translation>
    </message>
    <message>
        <source>条数</source>
        <translation>Entries</translation>
    </message>
    <message>
        <source>导入时间</source>
        <translation>Imported</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>本窗口日志</source>
        <translation>This desk&apos;s log</translation>
    </message>
    <message>
        <source>请在上方选择一个已导入的日志包</source>
        <translation>Choose an imported bundle above</translation>
    </message>
    <message>
        <source>选择日志包</source>
        <translation>Choose a log bundle</translation>
    </message>
    <message>
        <source>日志包 (*.jsonl);;所有文件 (*)</source>
        <translation>Log bundles (*.jsonl);;All files (*)</translation>
    </message>
    <message>
        <source>正在向平台核对签名密钥和日志头…</source>
        <translation>Checking the signing key and log heads with the platform…</translation>
    </message>
    <message>
        <source>✔ 已核验并导入窗口 %1 的 %2 条日志</source>
        <translation>✔ Verified and imported %2 entries of desk %1</translation>
    </message>
    <message>
        <source>✘ 未导入：%1</source>
        <translation>✘ Not imported: %1</translation>
    </message>
    <message>
        <source>窗口 %1 的日志（导入）</source>
        <translation>Log of desk %1 (imported)</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>修改我的密码</source>
        <translation>Change my password</translation>
    </message>
    <message>
        <source>修改密码：%1（%2）</source>
        <translation>Change password: %1 (%2)</translation>
    </message>
    <message>
        <source>当前密码</source>
        <translation>Current password</translation>
    </message>
    <message>
        <source>当前密码(&amp;C)：</source>
        <translation>&amp;Current password:</translation>
    </message>
    <message>
        <source>修改(&amp;S)</source>
        <translation>Change (&amp;S)</translation>
    </message>
    <message>
        <source>修改密码</source>
        <translation>Change password</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ClientsDialog</name>
    <message>
        <source>已连接的业务系统</source>
        <translation>Paired business systems</translation>
    </message>
    <message>
        <source>业务系统</source>
        <translation>Business system</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>Origin</translation>
    </message>
    <message>
        <source>批准人</source>
        <translation>Approved by</translation>
    </message>
    <message>
        <source>连接时间</source>
        <translation>Paired at</translation>
    </message>
    <message>
        <source>待批准的连接请求</source>
        <translation>Pairing requests waiting</translation>
    </message>
    <message>
        <source>处理连接请求(&amp;O)</source>
        <translation>&amp;Open pairing request</translation>
    </message>
    <message>
        <source>允许新的配对（2 分钟）(&amp;A)</source>
        <translation>&amp;Allow new pairing (2 minutes)</translation>
    </message>
    <message>
        <source>允许新的配对</source>
        <translation>Allow new pairing</translation>
    </message>
    <message>
        <source>配对状态</source>
        <translation>Pairing state</translation>
    </message>
    <message>
        <source>撤销连接须科室负责人在下面当场批准；允许新的配对只需当前登录的柜台人员。</source>
        <translation>Revoking a pairing needs a supervisor&apos;s approval below, on the spot; allowing new pairing needs only the clerk signed in.</translation>
    </message>
    <message>
        <source>撤销所选连接(&amp;R)</source>
        <translation>&amp;Revoke selected pairing</translation>
    </message>
    <message>
        <source>撤销连接</source>
        <translation>Revoke pairing</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>✔ 允许新的配对，至 %1</source>
        <translation>✔ New pairing allowed until %1</translation>
    </message>
    <message>
        <source>新的配对请求会被拒绝（未允许）</source>
        <translation>New pairing requests are refused (not allowed)</translation>
    </message>
    <message>
        <source>本机程序</source>
        <translation>Program on this PC</translation>
    </message>
    <message>
        <source>待批准的连接请求：%1 个</source>
        <translation>Pairing requests waiting: %1</translation>
    </message>
    <message>
        <source>⚠ 请先登录 / sign in first</source>
        <translation>⚠ sign in first</translation>
    </message>
</context>
<context>
    <name>CommitmentStatus</name>
    <message>
        <source>承诺：…</source>
        <translation>Commitments: …</translation>
    </message>
    <message>
        <source>到期承诺</source>
        <translation>Commitments due</translation>
    </message>
    <message>
        <source>承诺：今日到期 %1 · ⚠ 逾期 %2</source>
        <translation>Commitments: due today %1 · ⚠ overdue %2</translation>
    </message>
    <message>
        <source>建议未履行 %1</source>
        <translation>breach proposed %1</translation>
    </message>
    <message>
        <source>承诺：无到期</source>
        <translation>Commitments: none due</translation>
    </message>
</context>
<context>
    <name>CommitmentsModel</name>
    <message>
        <source>承诺书编号</source>
        <translation>Commitment letter no.</translation>
    </message>
    <message>
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>容缺材料</source>
        <translation>Missing materials</translation>
    </message>
    <message>
        <source>补正期限</source>
        <translation>Due date</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>⚠ 逾期，建议登记未履行</source>
        <translation>⚠ Overdue, breach proposed</translation>
    </message>
    <message>
        <source>⚠ 逾期</source>
        <translation>⚠ Overdue</translation>
    </message>
    <message>
        <source>待补正</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>已履行</source>
        <translation>Fulfilled</translation>
    </message>
    <message>
        <source>未履行</source>
        <translation>Breached</translation>
    </message>
</context>
<context>
    <name>CommitmentsPanel</name>
    <message>
        <source>筛选：编号、申请人、事项…</source>
        <translation>Filter: number, applicant, item…</translation>
    </message>
    <message>
        <source>筛选承诺</source>
        <translation>Filter commitments</translation>
    </message>
    <message>
        <source>未办结的承诺</source>
        <translation>Open commitments</translation>
    </message>
    <message>
        <source>承诺数量</source>
        <translation>Number of commitments</translation>
    </message>
    <message>
        <source>已履行(&amp;F)</source>
        <translation>&amp;Fulfilled</translation>
    </message>
    <message>
        <source>登记为已履行</source>
        <translation>Record as fulfilled</translation>
    </message>
    <message>
        <source>未履行(&amp;B)…</source>
        <translation>&amp;Breached…</translation>
    </message>
    <message>
        <source>登记为未履行（科室负责人确认）</source>
        <translation>Record as breached (a supervisor confirms)</translation>
    </message>
    <message>
        <source>（%1 项已过宽限期，建议登记未履行）</source>
        <translation> (%1 past the grace period: breach proposed)</translation>
    </message>
    <message>
        <source>登记为未履行</source>
        <translation type="vanished">Record as breached</translation>
    </message>
    <message>
        <source>刷新承诺列表</source>
        <translation>Refresh the commitment list</translation>
    </message>
    <message>
        <source>未办结承诺 %1 项</source>
        <translation>%1 open commitments</translation>
    </message>
    <message>
        <source>，其中 ⚠ 逾期 %1 项</source>
        <translation>, ⚠ %1 of them overdue</translation>
    </message>
    <message>
        <source>确认 %1（%2）未在期限内补齐材料？
将向平台报送“未履行承诺”。</source>
        <translation type="vanished">Confirm that %1 (%2) did not supply the materials in time?
A “commitment breached” report will be sent to the platform.</translation>
    </message>
    <message>
        <source>承诺书 %1 已登记为已履行。</source>
        <translation>Commitment letter %1 recorded as fulfilled.</translation>
    </message>
    <message>
        <source>承诺书 %1 已登记为未履行，已排队报送平台。</source>
        <translation>Commitment letter %1 recorded as breached; the report to the platform is queued.</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <source>限制办理 — 请说明理由</source>
        <translation>Restricted — give a reason</translation>
    </message>
    <message>
        <source>限制办理</source>
        <translation>Restricted</translation>
    </message>
    <message>
        <source>该申请人在本事项上受信用限制：须从严审查，继续办理请说明理由</source>
        <translation>This applicant is under a credit restriction for this item: review strictly, and give a reason to proceed</translation>
    </message>
    <message>
        <source>申请人：%1
证件号码：%2    事项：%3</source>
        <translation>Applicant: %1
ID number: %2    Item: %3</translation>
    </message>
    <message>
        <source>（平台无记录）</source>
        <translation>(no record at the platform)</translation>
    </message>
    <message>
        <source>ⓘ 离线核查：</source>
        <translation>ⓘ Offline check: </translation>
    </message>
    <message>
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>限制措施及法律依据：</source>
        <translation>Restrictions and their legal basis:</translation>
    </message>
    <message>
        <source>依据：%1</source>
        <translation>Basis: %1</translation>
    </message>
    <message>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>限制措施及依据</source>
        <translation>Restrictions and basis</translation>
    </message>
    <message>
        <source>继续办理的理由(&amp;R)（必填）：</source>
        <translation>&amp;Reason to proceed (required):</translation>
    </message>
    <message>
        <source>继续办理的理由</source>
        <translation>Reason to proceed</translation>
    </message>
    <message>
        <source>例如：已加强审查，材料齐全（至少 4 个字）</source>
        <translation>e.g. reviewed strictly, materials complete (at least 4 characters)</translation>
    </message>
    <message>
        <source>错误</source>
        <translation type="vanished">Error</translation>
    </message>
    <message>
        <source>继续办理(&amp;P)</source>
        <translation>&amp;Proceed</translation>
    </message>
    <message>
        <source>继续办理</source>
        <translation>Proceed</translation>
    </message>
    <message>
        <source>终止受理(&amp;T)</source>
        <translation>&amp;Terminate</translation>
    </message>
    <message>
        <source>终止受理</source>
        <translation>Terminate acceptance</translation>
    </message>
    <message>
        <source>返回(&amp;B)</source>
        <translation>&amp;Back</translation>
    </message>
    <message>
        <source>返回，不做记录</source>
        <translation>Back, nothing recorded</translation>
    </message>
</context>
<context>
    <name>CounterDriver</name>
    <message>
        <source>✖ 未能记录已阅：%1</source>
        <translation>✖ Could not record the acknowledgement: %1</translation>
    </message>
    <message>
        <source> — 按 F6 核查下一位 / F6: next applicant</source>
        <translation> — F6: next applicant</translation>
    </message>
    <message>
        <source>排队待核查</source>
        <translation>Checks queued</translation>
    </message>
    <message>
        <source>✖ 号码无效：%1</source>
        <translation>✖ Invalid number: %1</translation>
    </message>
    <message>
        <source>✖ 请先选择办理事项 / choose a business item</source>
        <translation>✖ Choose a business item first</translation>
    </message>
    <message>
        <source>正在核查上一位申请人，请稍候</source>
        <translation>Still checking the previous applicant, please wait</translation>
    </message>
    <message>
        <source>由15位旧号码转换</source>
        <translation>converted from an old 15-digit number</translation>
    </message>
    <message>
        <source>从扫描内容中提取</source>
        <translation>taken from scanned text</translation>
    </message>
    <message>
        <source>正在核查 %1 …</source>
        <translation>Checking %1 …</translation>
    </message>
    <message>
        <source>排队待核查 %1 位：%2 / %1 checks queued</source>
        <translation>%1 checks queued: %2</translation>
    </message>
    <message>
        <source>✖ 无法核查：%1</source>
        <translation>✖ Cannot check: %1</translation>
    </message>
</context>
<context>
    <name>CreditDeskApp</name>
    <message>
        <source>一窗受理信用核查 CreditDesk</source>
        <translation>CreditDesk — credit checks at the counter</translation>
    </message>
    <message>
        <source>无法启动 CreditDesk</source>
        <translation>CreditDesk cannot start</translation>
    </message>
    <message>
        <source>无法启动</source>
        <translation>Cannot start</translation>
    </message>
    <message>
        <source>一窗受理信用核查</source>
        <translation>CreditDesk</translation>
    </message>
    <message>
        <source>正在启动演示平台…</source>
        <translation>Starting the demo platform…</translation>
    </message>
    <message>
        <source>正在打开本机数据…</source>
        <translation type="vanished">Opening this desk&apos;s data…</translation>
    </message>
    <message>
        <source>启动失败：%1</source>
        <translation>Start-up failed: %1</translation>
    </message>
    <message>
        <source>⚠ 本地接口未启动，业务系统无法送检：%1</source>
        <translation>⚠ The local bridge did not start; business systems cannot send checks: %1</translation>
    </message>
</context>
<context>
    <name>CreditMap</name>
    <message>
        <source>着色：红名单主体占本台核查主体的比例</source>
        <translation>Shade: share of the subjects checked here that are on the red list</translation>
    </message>
    <message>
        <source>着色：黑名单或严重失信主体占本台核查主体的比例</source>
        <translation>Shade: share of the subjects checked here that are on the blacklist or the serious-illegal list</translation>
    </message>
    <message>
        <source>%1：本台未核查该区县的主体</source>
        <translation>%1: no subject of this district was checked at this desk</translation>
    </message>
    <message>
        <source>核查主体 %1 个</source>
        <translation>Subjects checked: %1</translation>
    </message>
    <message>
        <source>黑名单或严重失信 %1 个（%2）</source>
        <translation>Blacklist or serious-illegal: %1 (%2)</translation>
    </message>
    <message>
        <source>红名单 %1 个（%2）</source>
        <translation>Red list: %1 (%2)</translation>
    </message>
    <message>
        <source>有预警 %1 个</source>
        <translation>With a warning: %1</translation>
    </message>
    <message>
        <source>未记录区县</source>
        <translation>district not recorded</translation>
    </message>
    <message>
        <source>不在本图中的核查主体：%1</source>
        <translation>Subjects checked outside this map: %1</translation>
    </message>
    <message>
        <source>正在读取区县边界…</source>
        <translation>Reading the district boundaries…</translation>
    </message>
    <message>
        <source>边界数据：%1（高德）</source>
        <translation>Boundaries: %1 (Amap)</translation>
    </message>
    <message>
        <source>未核查</source>
        <translation>not checked</translation>
    </message>
    <message>
        <source>%1（%2/%3）</source>
        <translation>%1 (%2/%3)</translation>
    </message>
    <message>
        <source>本台未核查</source>
        <translation>not checked here</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <source>错误</source>
        <translation>Error</translation>
    </message>
</context>
<context>
    <name>DeskStatus</name>
    <message>
        <source>平台状态</source>
        <translation>Platform status</translation>
    </message>
    <message>
        <source>日志锚点</source>
        <translation>Log anchors</translation>
    </message>
    <message>
        <source>反馈队列</source>
        <translation>Feedback queue</translation>
    </message>
    <message>
        <source>上次同步</source>
        <translation>Last sync</translation>
    </message>
    <message>
        <source>当前工作人员</source>
        <translation>Signed-in staff</translation>
    </message>
    <message>
        <source>… 正在连接平台</source>
        <translation>… connecting to the platform</translation>
    </message>
    <message>
        <source>反馈队列：…</source>
        <translation>Feedback queue: …</translation>
    </message>
    <message>
        <source>上次同步：…</source>
        <translation>Last sync: …</translation>
    </message>
    <message>
        <source>● 平台在线</source>
        <translation>● Platform online</translation>
    </message>
    <message>
        <source>○ 平台不可达（离线核查）</source>
        <translation>○ Platform unreachable (offline checks)</translation>
    </message>
    <message>
        <source>⟳ 正在同步…</source>
        <translation>⟳ Syncing…</translation>
    </message>
    <message>
        <source>反馈待发送 %1</source>
        <translation>Feedback to send: %1</translation>
    </message>
    <message>
        <source>⚠ 失败 %1</source>
        <translation>⚠ Failed: %1</translation>
    </message>
    <message>
        <source>⚠ 日志锚点被平台拒收 %1，请科室负责人核验日志</source>
        <translation>⚠ %1 log anchors refused by the platform; a supervisor should verify the log</translation>
    </message>
    <message>
        <source>从未同步</source>
        <translation>Never synced</translation>
    </message>
    <message>
        <source>上次同步 %1</source>
        <translation>Last sync %1</translation>
    </message>
    <message>
        <source>未登录</source>
        <translation>Not signed in</translation>
    </message>
    <message>
        <source>科室负责人</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>受理员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>%1：%2（%3）</source>
        <translation>%1: %2 (%3)</translation>
    </message>
</context>
<context>
    <name>DistrictModel</name>
    <message>
        <source>区县</source>
        <translation>District</translation>
    </message>
    <message>
        <source>核查主体数</source>
        <translation>Subjects checked</translation>
    </message>
    <message>
        <source>红名单主体</source>
        <translation>On the red list</translation>
    </message>
    <message>
        <source>黑名单/严重失信主体</source>
        <translation>Blacklisted / serious illegal</translation>
    </message>
    <message>
        <source>有预警主体</source>
        <translation>With warnings</translation>
    </message>
    <message>
        <source>红名单占比</source>
        <translation>Red list share</translation>
    </message>
    <message>
        <source>黑名单/严重失信占比</source>
        <translation>Blacklist / serious-illegal share</translation>
    </message>
</context>
<context>
    <name>DistrictView</name>
    <message>
        <source>筛选区县…</source>
        <translation>Filter districts…</translation>
    </message>
    <message>
        <source>筛选区县</source>
        <translation>Filter districts</translation>
    </message>
    <message>
        <source>区县概况</source>
        <translation>Districts</translation>
    </message>
    <message>
        <source>地图着色(&amp;B)：</source>
        <translation>Map &amp;basis:</translation>
    </message>
    <message>
        <source>黑名单或严重失信主体占比</source>
        <translation>Share on the blacklist or serious-illegal list</translation>
    </message>
    <message>
        <source>红名单主体占比</source>
        <translation>Share on the red list</translation>
    </message>
    <message>
        <source>地图着色依据</source>
        <translation>What the map is shaded by</translation>
    </message>
    <message>
        <source>打印(&amp;P)…</source>
        <translation>&amp;Print…</translation>
    </message>
    <message>
        <source>另存为 PDF(&amp;S)…</source>
        <translation>&amp;Save as PDF…</translation>
    </message>
    <message>
        <source>绍兴市信用地图（本台核查主体）</source>
        <translation>Shaoxing credit map (subjects checked at this desk)</translation>
    </message>
    <message>
        <source>各区县核查主体与名单情况</source>
        <translation>Subjects checked and list hits by district</translation>
    </message>
    <message>
        <source>共 %1 个区县，核查主体 %2 个</source>
        <translation>%1 districts, %2 subjects checked</translation>
    </message>
    <message>
        <source>核查主体数</source>
        <translation>Subjects checked</translation>
    </message>
    <message>
        <source>红名单主体</source>
        <translation>On the red list</translation>
    </message>
    <message>
        <source>黑名单/严重失信主体</source>
        <translation>Blacklisted / serious illegal</translation>
    </message>
    <message>
        <source>有预警主体</source>
        <translation>With warnings</translation>
    </message>
    <message>
        <source>生成：%1（北京时间）&#x3000;操作员：%2</source>
        <translation>Made: %1 (UTC+8)   By: %2</translation>
    </message>
    <message>
        <source>生成：%1&#x3000;操作员：%2</source>
        <translation type="vanished">Made: %1   By: %2</translation>
    </message>
    <message>
        <source>信用地图</source>
        <translation>Credit map</translation>
    </message>
    <message>
        <source>第 %1 页 / 共 %2 页</source>
        <translation>Page %1 of %2</translation>
    </message>
    <message>
        <source>✖ 无法打印：%1</source>
        <translation>✖ Could not print: %1</translation>
    </message>
    <message>
        <source>打印预览 — 信用地图</source>
        <translation>Print preview — credit map</translation>
    </message>
    <message>
        <source>✖ 无法保存：%1</source>
        <translation>✖ Could not save: %1</translation>
    </message>
    <message>
        <source>保存信用地图为 PDF</source>
        <translation>Save the credit map as PDF</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>✔ 已保存：%1</source>
        <translation>✔ Saved: %1</translation>
    </message>
</context>
<context>
    <name>DomainWords</name>
    <message>
        <source>税收</source>
        <translation>Tax</translation>
    </message>
    <message>
        <source>消防安全</source>
        <translation>Fire safety</translation>
    </message>
    <message>
        <source>拖欠劳动者工资</source>
        <translation>Unpaid wages</translation>
    </message>
    <message>
        <source>食品安全</source>
        <translation>Food safety</translation>
    </message>
    <message>
        <source>安全生产</source>
        <translation>Work safety</translation>
    </message>
    <message>
        <source>失信被执行人</source>
        <translation>Judgment defaulter</translation>
    </message>
    <message>
        <source>环境保护</source>
        <translation>Environmental protection</translation>
    </message>
    <message>
        <source>海关</source>
        <translation>Customs</translation>
    </message>
    <message>
        <source>合同履约</source>
        <translation>Contract performance</translation>
    </message>
    <message>
        <source>市场监管</source>
        <translation>Market regulation</translation>
    </message>
    <message>
        <source>政府采购</source>
        <translation>Government procurement</translation>
    </message>
    <message>
        <source>社会保险</source>
        <translation>Social insurance</translation>
    </message>
    <message>
        <source>交通运输</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>公益慈善</source>
        <translation>Charity</translation>
    </message>
    <message>
        <source>志愿服务</source>
        <translation>Volunteering</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Unified social credit code</translation>
    </message>
    <message>
        <source>居民身份号码</source>
        <translation>Resident identity number</translation>
    </message>
</context>
<context>
    <name>FastTrackDialog</name>
    <message>
        <source>守信激励 — 容缺受理</source>
        <translation>Trust incentive — tolerance acceptance</translation>
    </message>
    <message>
        <source>可容缺受理</source>
        <translation>Tolerance acceptance possible</translation>
    </message>
    <message>
        <source>守信激励：暂缺的次要材料可先受理，限期补齐</source>
        <translation>Trust incentive: the application can be accepted with minor materials missing, to be supplied by a deadline</translation>
    </message>
    <message>
        <source>申请人：%1
证件号码：%2    事项：%3</source>
        <translation>Applicant: %1
ID number: %2    Item: %3</translation>
    </message>
    <message>
        <source>（平台无记录）</source>
        <translation>(no record at the platform)</translation>
    </message>
    <message>
        <source>ⓘ 离线核查：</source>
        <translation>ⓘ Offline check: </translation>
    </message>
    <message>
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>正在询问平台…</source>
        <translation>Asking the platform…</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>请勾选申请人暂缺的材料（只有可容缺的材料可以勾选）</source>
        <translation>Tick the materials the applicant lacks (only materials that may be missing can be ticked)</translation>
    </message>
    <message>
        <source>补齐期限</source>
        <translation>Deadline to supply</translation>
    </message>
    <message>
        <source>补齐期限提醒</source>
        <translation>Due date warning</translation>
    </message>
    <message>
        <source>承诺书保存位置</source>
        <translation>Where to save the commitment letter</translation>
    </message>
    <message>
        <source>浏览(&amp;B)…</source>
        <translation>&amp;Browse…</translation>
    </message>
    <message>
        <source>选择承诺书保存位置</source>
        <translation>Choose where to save the commitment letter</translation>
    </message>
    <message>
        <source>承诺书保存到(&amp;S)：</source>
        <translation>&amp;Save the letter to:</translation>
    </message>
    <message>
        <source>承诺书编号</source>
        <translation>Commitment letter no.</translation>
    </message>
    <message>
        <source>错误</source>
        <translation type="vanished">Error</translation>
    </message>
    <message>
        <source>按正常流程办理(&amp;N)</source>
        <translation>&amp;Normal procedure</translation>
    </message>
    <message>
        <source>按正常流程办理</source>
        <translation>Handle by the normal procedure</translation>
    </message>
    <message>
        <source>打印承诺书并容缺受理(&amp;P)</source>
        <translation>&amp;Print the letter and accept</translation>
    </message>
    <message>
        <source>打印承诺书并容缺受理</source>
        <translation>Print the commitment letter and accept with materials missing</translation>
    </message>
    <message>
        <source>保存为 PDF 并容缺受理(&amp;F)</source>
        <translation>Save as PD&amp;F and accept</translation>
    </message>
    <message>
        <source>保存承诺书为 PDF 并容缺受理，不打印</source>
        <translation>Save the commitment letter as PDF and accept, without printing</translation>
    </message>
    <message>
        <source>再次打印承诺书(&amp;R)…</source>
        <translation>P&amp;rint the letter again…</translation>
    </message>
    <message>
        <source>再次打印同一份承诺书</source>
        <translation>Print the same commitment letter again</translation>
    </message>
    <message>
        <source>另存为 PDF(&amp;A)…</source>
        <translation>Save &amp;as PDF…</translation>
    </message>
    <message>
        <source>将承诺书另存为 PDF</source>
        <translation>Save the commitment letter as PDF</translation>
    </message>
    <message>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>正在生成承诺书…</source>
        <translation>Writing the commitment letter…</translation>
    </message>
    <message>
        <source>✔ 承诺书已另存为：%1</source>
        <translation>✔ Commitment letter saved as: %1</translation>
    </message>
    <message>
        <source>⚠ 承诺书无法保存 / the letter cannot be saved: %1</source>
        <translation>⚠ 承诺书无法保存 / the letter cannot be saved: %1</translation>
    </message>
    <message>
        <source>打开承诺书(&amp;O)</source>
        <translation type="vanished">&amp;Open the letter</translation>
    </message>
    <message>
        <source>打开承诺书以打印</source>
        <translation type="vanished">Open the commitment letter to print it</translation>
    </message>
    <message>
        <source>完成(&amp;D)</source>
        <translation>&amp;Done</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>ⓘ 不适用容缺受理：%1
请按正常流程办理。</source>
        <translation>ⓘ Tolerance acceptance does not apply: %1
Please use the normal procedure.</translation>
    </message>
    <message>
        <source>可容缺</source>
        <translation>May be missing</translation>
    </message>
    <message>
        <source>必须当场提交</source>
        <translation>Required now</translation>
    </message>
    <message>
        <source>补齐期限：%1 前（%2 个工作日内）</source>
        <translation>Supply by %1 (within %2 working days)</translation>
    </message>
    <message>
        <source>ⓘ 无法确认是否适用容缺受理，请按正常流程办理。</source>
        <translation>ⓘ Cannot confirm that tolerance acceptance applies; please use the normal procedure.</translation>
    </message>
    <message>
        <source>正在打印承诺书…</source>
        <translation type="vanished">Printing the commitment letter…</translation>
    </message>
    <message>
        <source>✔ 已容缺受理。
承诺书编号：%1
验证码：%2
已保存到：%3
请申请人签字，%4 前补齐材料。</source>
        <translation>✔ Accepted with materials missing.
Commitment letter no.: %1
Verification code: %2
Saved to: %3
The applicant signs it and supplies the materials by %4.</translation>
    </message>
    <message>
        <source>正在准备打印预览…</source>
        <translation>Preparing the print preview…</translation>
    </message>
    <message>
        <source>打印预览 — 承诺书 %1</source>
        <translation>Print preview — commitment letter %1</translation>
    </message>
    <message>
        <source>承诺书打印预览</source>
        <translation>Commitment letter print preview</translation>
    </message>
    <message>
        <source>⚠ 承诺书无法打印 / the letter cannot be printed: %1</source>
        <translation>⚠ 承诺书无法打印 / the letter cannot be printed: %1</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
</context>
<context>
    <name>InspectionView</name>
    <message>
        <source>证件号码(&amp;N)：</source>
        <translation>Ide&amp;ntifier:</translation>
    </message>
    <message>
        <source>统一社会信用代码或居民身份证号码，回车查询</source>
        <translation>Credit code or resident identity number, Enter to look up</translation>
    </message>
    <message>
        <source>监管查询的证件号码</source>
        <translation>Identifier to look up for supervision</translation>
    </message>
    <message>
        <source>查询(&amp;Q)</source>
        <translation>&amp;Query</translation>
    </message>
    <message>
        <source>分类依据</source>
        <translation>Reasons for the class</translation>
    </message>
    <message>
        <source>监管名单（安排双随机检查）</source>
        <translation>Supervision list (planning random inspections)</translation>
    </message>
    <message>
        <source>导入名单(&amp;L)…</source>
        <translation>Open &amp;list…</translation>
    </message>
    <message>
        <source>取消(&amp;C)</source>
        <translation>&amp;Cancel</translation>
    </message>
    <message>
        <source>导出(&amp;E)…</source>
        <translation>&amp;Export…</translation>
    </message>
    <message>
        <source>名单查询进度</source>
        <translation>List progress</translation>
    </message>
    <message>
        <source>正在查询…</source>
        <translation>Looking up…</translation>
    </message>
    <message>
        <source>%1 类 · %2</source>
        <translation>Class %1 · %2</translation>
    </message>
    <message>
        <source>检查频次：%1</source>
        <translation>Inspection frequency: %1</translation>
    </message>
    <message>
        <source>监管类别需信用平台评定（离线）</source>
        <translation>The class needs the credit platform (offline)</translation>
    </message>
    <message>
        <source>信用平台</source>
        <translation>credit platform</translation>
    </message>
    <message>
        <source>本机名单快照</source>
        <translation>this desk&apos;s list snapshot</translation>
    </message>
    <message>
        <source>主体：%1（%2）%3&#x3000;来源：%4</source>
        <translation>Subject: %1 (%2) %3   Source: %4</translation>
    </message>
    <message>
        <source>平台无记录</source>
        <translation>not known to the platform</translation>
    </message>
    <message>
        <source>（离线：无）</source>
        <translation>(offline: none)</translation>
    </message>
    <message>
        <source>在效记录（%1 条）</source>
        <translation>Records in force (%1)</translation>
    </message>
    <message>
        <source>预警（%1 条）</source>
        <translation>Warnings (%1)</translation>
    </message>
    <message>
        <source>预警（离线不可得）</source>
        <translation>Warnings (not available offline)</translation>
    </message>
    <message>
        <source>输入或扫描证件号码后回车，查看监管类别、依据和检查频次。</source>
        <translation>Type or scan an identifier and press Enter to see the supervision class, its reasons and the inspection frequency.</translation>
    </message>
    <message>
        <source>选择监管名单</source>
        <translation>Choose a supervision list</translation>
    </message>
    <message>
        <source>表格 (*.csv *.txt *.xlsx *.xls *.et *.ods)</source>
        <translation>Tables (*.csv *.txt *.xlsx *.xls *.et *.ods)</translation>
    </message>
    <message>
        <source>正在查询 %1…</source>
        <translation>Looking up %1…</translation>
    </message>
    <message>
        <source>共 %1 行，按监管类别排序（D 类在前）：%2</source>
        <translation>%1 rows, sorted by class (D first): %2</translation>
    </message>
    <message>
        <source>导出监管名单</source>
        <translation>Export the supervision list</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV 文件 (*.csv)</source>
        <translation>CSV file (*.csv)</translation>
    </message>
    <message>
        <source>已导出：%1</source>
        <translation>Exported: %1</translation>
    </message>
</context>
<context>
    <name>InspectionWindow</name>
    <message>
        <source>行政监管 — %1（%2）</source>
        <translation>Supervision — %1 (%2)</translation>
    </message>
    <message>
        <source>窗口(&amp;W)</source>
        <translation>&amp;Window</translation>
    </message>
    <message>
        <source>锁定(&amp;L)</source>
        <translation>&amp;Lock</translation>
    </message>
    <message>
        <source>修改我的密码…</source>
        <translation>Change my password…</translation>
    </message>
    <message>
        <source>注销并关闭(&amp;X)</source>
        <translation>Sign out and close (&amp;X)</translation>
    </message>
    <message>
        <source>监管检查人员：%1（%2）</source>
        <translation>Inspector: %1 (%2)</translation>
    </message>
    <message>
        <source>密码已修改 / password changed</source>
        <translation>Password changed</translation>
    </message>
</context>
<context>
    <name>IntegrityView</name>
    <message>
        <source>立即核验(&amp;V)</source>
        <translation>&amp;Verify now</translation>
    </message>
    <message>
        <source>每条日志都以密钥链接上一条；日志头每 50 条登记到信用平台。核验逐条重算这条链，并与平台登记的日志头比对：任何一条被修改、删除、调换或整条链被重建，都会在这里指出。</source>
        <translation type="vanished">Every log entry is linked to the one before it with a key; every 50 entries the head is registered at the credit platform. Verifying recomputes the chain entry by entry and compares it with the heads the platform holds: any entry edited, deleted or swapped, or a rebuilt chain, is pointed out here.</translation>
    </message>
    <message>
        <source>⚠ 锚点被拒收：%1：%2</source>
        <translation>⚠ Anchor refused: %1: %2</translation>
    </message>
    <message>
        <source>每条日志都以密钥链接上一条；日志头每 50 条、定时以及注销和退出时登记到信用平台，每次调用平台时还由平台见证。核验逐条重算这条链，并与平台登记和见证的日志头比对：任何一条被修改、删除、调换或整条链被重建，都会在这里指出；尚未见证的记录数也会写明。</source>
        <translation>Each log entry is linked to the one before with a key; the head is registered with the credit platform every 50 entries, on a timer and at sign-out and exit, and witnessed by the platform on every call. Verification recomputes the chain entry by entry and compares it with the heads the platform registered and witnessed: any entry changed, deleted, swapped, or a rebuilt chain is pointed out here, with the number of entries not yet witnessed.</translation>
    </message>
    <message>
        <source>设置文件未在本程序之外被改动。</source>
        <translation>The settings file has not been changed outside this program.</translation>
    </message>
    <message>
        <source>⚠ 设置文件曾在本程序之外被改动（启动时发现并记入日志）：</source>
        <translation>⚠ The settings file was changed outside this program (noticed at start and logged):</translation>
    </message>
    <message>
        <source>地址中不记录的部分（密码）被改动</source>
        <translation>a part of an address that is never logged (a password) changed</translation>
    </message>
    <message>
        <source>本程序记录的设置状态也被改动。</source>
        <translation>This program&apos;s record of the settings was altered too.</translation>
    </message>
    <message>
        <source>%1（第 %2 条）：%3</source>
        <translation>%1 (entry %2): %3</translation>
    </message>
    <message>
        <source>正在核验日志…</source>
        <translation>Verifying the log…</translation>
    </message>
    <message>
        <source>⚠ 日志完整，但 %1 个日志锚点被平台拒收</source>
        <translation>⚠ The log is intact, but %1 log anchors were refused by the platform</translation>
    </message>
    <message>
        <source>✔ 日志完整，未被改动</source>
        <translation>✔ The log is intact</translation>
    </message>
    <message>
        <source>✘ 日志已被改动：第 %1 条</source>
        <translation>✘ The log was altered: entry %1</translation>
    </message>
    <message>
        <source>核验时间：%1</source>
        <translation>Verified at: %1</translation>
    </message>
    <message>
        <source>已核验 %1 条日志，与平台登记的日志头比对 %2 处</source>
        <translation>%1 entries verified, %2 heads compared with the platform</translation>
    </message>
    <message>
        <source>问题：%1</source>
        <translation>Problem: %1</translation>
    </message>
</context>
<context>
    <name>InterceptDialog</name>
    <message>
        <source>禁止受理 — 信用核查拦截</source>
        <translation>Prohibited — intercepted by the credit check</translation>
    </message>
    <message>
        <source>禁止受理</source>
        <translation>Prohibited</translation>
    </message>
    <message>
        <source>该申请人因失信被依法禁止办理本事项</source>
        <translation>By law, this applicant may not be granted this item because of a credit default</translation>
    </message>
    <message>
        <source>申请人：%1
证件号码：%2    事项：%3</source>
        <translation>Applicant: %1
ID number: %2    Item: %3</translation>
    </message>
    <message>
        <source>（平台无记录）</source>
        <translation>(no record at the platform)</translation>
    </message>
    <message>
        <source>ⓘ 离线核查：</source>
        <translation>ⓘ Offline check: </translation>
    </message>
    <message>
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>依据：%1</source>
        <translation>Basis: %1</translation>
    </message>
    <message>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>禁止措施及依据</source>
        <translation>Prohibitions and basis</translation>
    </message>
    <message>
        <source>禁止措施及法律依据：</source>
        <translation>Prohibitions and their legal basis:</translation>
    </message>
    <message>
        <source>终止受理(&amp;T)</source>
        <translation>&amp;Terminate</translation>
    </message>
    <message>
        <source>终止受理</source>
        <translation>Terminate acceptance</translation>
    </message>
    <message>
        <source>依法继续办理(&amp;O)…</source>
        <translation>&amp;Override by law…</translation>
    </message>
    <message>
        <source>依法继续办理</source>
        <translation>Override by law</translation>
    </message>
    <message>
        <source>继续办理的理由</source>
        <translation>Reason to proceed</translation>
    </message>
    <message>
        <source>为什么依法可以继续办理（至少 4 个字）</source>
        <translation>Why the law allows proceeding (at least 4 characters)</translation>
    </message>
    <message>
        <source>法律依据</source>
        <translation>Legal basis</translation>
    </message>
    <message>
        <source>例如：某法第某条</source>
        <translation>e.g. Act X, article Y</translation>
    </message>
    <message>
        <source>确认继续办理(&amp;C)</source>
        <translation>&amp;Confirm and proceed</translation>
    </message>
    <message>
        <source>确认继续办理</source>
        <translation>Confirm and proceed</translation>
    </message>
    <message>
        <source>理由(&amp;R)：</source>
        <translation>&amp;Reason:</translation>
    </message>
    <message>
        <source>法律依据(&amp;G)：</source>
        <translation>Legal &amp;ground:</translation>
    </message>
    <message>
        <source>依法继续办理需填写理由与法律依据，并由科室负责人当场批准。</source>
        <translation>An override needs a reason and a legal basis, and a supervisor&apos;s approval on the spot.</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Alert</translation>
    </message>
    <message>
        <source>错误</source>
        <translation type="vanished">Error</translation>
    </message>
    <message>
        <source>ⓘ 请选择：终止受理，或依法继续办理（需负责人批准）。</source>
        <translation>ⓘ Choose: terminate, or override by law (needs a supervisor&apos;s approval).</translation>
    </message>
</context>
<context>
    <name>ItemPicker</name>
    <message>
        <source>办理事项</source>
        <translation>Business item</translation>
    </message>
    <message>
        <source>输入事项名称或代码搜索</source>
        <translation>Type an item name or code to search</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
</context>
<context>
    <name>ListPanel</name>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>重新读取</source>
        <translation>Read again</translation>
    </message>
    <message>
        <source>提示信息</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>✖ 无法读取：%1</source>
        <translation>✖ Cannot read: %1</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>已锁定</source>
        <translation>Locked</translation>
    </message>
    <message>
        <source>%1 分钟无操作，窗口已锁定，屏幕内容已隐藏。
锁定前的工作人员：%2（%3）。本人或科室负责人可以解锁。</source>
        <translation>No activity for %1 minutes: the window is locked and its content hidden.
Signed in before locking: %2 (%3). They or a supervisor can unlock.</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Staff ID</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>解锁(&amp;U)</source>
        <translation>&amp;Unlock</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>工号(&amp;I)：</source>
        <translation>Staff &amp;ID:</translation>
    </message>
    <message>
        <source>密码(&amp;W)：</source>
        <translation>Pass&amp;word:</translation>
    </message>
    <message>
        <source>设置新密码并解锁(&amp;U)</source>
        <translation>Set new password and &amp;unlock</translation>
    </message>
    <message>
        <source>密码已由科室负责人重置：请设置新密码后解锁。</source>
        <translation>The password was reset by a supervisor: choose a new one to unlock.</translation>
    </message>
</context>
<context>
    <name>LogBrowser</name>
    <message>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <source>至</source>
        <translation>To</translation>
    </message>
    <message>
        <source>不勾选：开始日期不限</source>
        <translation>Unticked: no first day</translation>
    </message>
    <message>
        <source>不勾选：结束日期不限</source>
        <translation>Unticked: no last day</translation>
    </message>
    <message>
        <source>工作人员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>结论</source>
        <translation>Verdict</translation>
    </message>
    <message>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>对象证件号</source>
        <translation>Subject ID</translation>
    </message>
    <message>
        <source>（全部）</source>
        <translation>(all)</translation>
    </message>
    <message>
        <source>所有处理 action.*</source>
        <translation>All responses action.*</translation>
    </message>
    <message>
        <source>所有拦截 intercept.*</source>
        <translation>All intercepts intercept.*</translation>
    </message>
    <message>
        <source>所有查阅导出 review.*</source>
        <translation>All review exports review.*</translation>
    </message>
    <message>
        <source>所有负责人操作 supervisor.*</source>
        <translation>All supervisor actions supervisor.*</translation>
    </message>
    <message>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>身份证号或统一社会信用代码</source>
        <translation>Resident ID or unified social credit code</translation>
    </message>
    <message>
        <source>查询(&amp;Q)</source>
        <translation>&amp;Query</translation>
    </message>
    <message>
        <source>重置(&amp;R)</source>
        <translation>&amp;Reset</translation>
    </message>
    <message>
        <source>显示完整证件号码</source>
        <translation>Show whole ID number</translation>
    </message>
    <message>
        <source>仅科室负责人；查看将记入日志</source>
        <translation>Supervisors only; viewing is logged</translation>
    </message>
    <message>
        <source>导出…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>日志列表</source>
        <translation>Log entries</translation>
    </message>
    <message>
        <source>日志详情</source>
        <translation>Entry details</translation>
    </message>
    <message>
        <source>提示信息</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>对象证件号码有误：%1</source>
        <translation>The subject ID is wrong: %1</translation>
    </message>
    <message>
        <source>已显示 %1 条 / 共 %2 条</source>
        <translation>Showing %1 of %2</translation>
    </message>
    <message>
        <source>请先选择一条日志</source>
        <translation>Select an entry first</translation>
    </message>
    <message>
        <source>导入的其他窗口日志不能在本窗口显示完整证件号码</source>
        <translation>Whole ID numbers of another desk&apos;s imported log cannot be shown here</translation>
    </message>
    <message>
        <source>已显示完整证件号码，并已记入日志</source>
        <translation>Whole ID number shown; this was logged</translation>
    </message>
    <message>
        <source>CSV 表格 (*.csv)</source>
        <translation>CSV table (*.csv)</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>PDF 摘要 (*.pdf)</source>
        <translation>PDF summary (*.pdf)</translation>
    </message>
    <message>
        <source>导出日志</source>
        <translation>Export log</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>审计日志查阅导出</source>
        <translation>Audit log review export</translation>
    </message>
    <message>
        <source>已导出 %1 条</source>
        <translation>%1 entries exported</translation>
    </message>
</context>
<context>
    <name>LogModel</name>
    <message>
        <source>序号</source>
        <translation>Seq</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>窗口</source>
        <translation>Desk</translation>
    </message>
    <message>
        <source>工作人员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>结论</source>
        <translation>Verdict</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>对象</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>日志来源</source>
        <translation>Log of</translation>
    </message>
    <message>
        <source>本窗口</source>
        <translation>This desk</translation>
    </message>
    <message>
        <source>导入：%1</source>
        <translation>Imported: %1</translation>
    </message>
    <message>
        <source>完整证件号码</source>
        <translation>Whole ID number</translation>
    </message>
    <message>
        <source>个人信息</source>
        <translation>Personal data</translation>
    </message>
    <message>
        <source>已按保存期限清除</source>
        <translation>Purged (retention)</translation>
    </message>
    <message>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>详情</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>LogWords</name>
    <message>
        <source>信用核查</source>
        <translation>Credit check</translation>
    </message>
    <message>
        <source>行政监管查询</source>
        <translation>supervision lookup</translation>
    </message>
    <message>
        <source>变动监测比对（评价与预警）</source>
        <translation>Alerts: grades and warnings compared</translation>
    </message>
    <message>
        <source>终止受理</source>
        <translation>Terminated</translation>
    </message>
    <message>
        <source>依法继续办理（反馈）</source>
        <translation>Overridden by law (feedback)</translation>
    </message>
    <message>
        <source>限制下继续办理</source>
        <translation>Proceeded under restriction</translation>
    </message>
    <message>
        <source>容缺受理</source>
        <translation>Fast-track</translation>
    </message>
    <message>
        <source>承诺已履行</source>
        <translation>Commitment kept</translation>
    </message>
    <message>
        <source>承诺未履行</source>
        <translation>Commitment breached</translation>
    </message>
    <message>
        <source>弹出拦截</source>
        <translation>Intercept shown</translation>
    </message>
    <message>
        <source>依法继续办理（批准）</source>
        <translation>Overridden by law (approval)</translation>
    </message>
    <message>
        <source>提示已阅</source>
        <translation>Alert acknowledged</translation>
    </message>
    <message>
        <source>打印报告或承诺书</source>
        <translation>Report or letter printed</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Signed in</translation>
    </message>
    <message>
        <source>登录失败</source>
        <translation>Sign-in failed</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Signed out</translation>
    </message>
    <message>
        <source>锁定</source>
        <translation>Locked</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlocked</translation>
    </message>
    <message>
        <source>导出日志</source>
        <translation>Export log</translation>
    </message>
    <message>
        <source>导出审查视图</source>
        <translation>Review view exported</translation>
    </message>
    <message>
        <source>查看完整证件号码</source>
        <translation>Whole ID number viewed</translation>
    </message>
    <message>
        <source>进入监督审查</source>
        <translation>Review opened</translation>
    </message>
    <message>
        <source>拒绝进入监督审查</source>
        <translation>Review refused</translation>
    </message>
    <message>
        <source>填写跟进意见</source>
        <translation>Follow-up note</translation>
    </message>
    <message>
        <source>清除到期个人信息</source>
        <translation>Retention purge</translation>
    </message>
    <message>
        <source>导入其他窗口日志</source>
        <translation>Bundle imported</translation>
    </message>
    <message>
        <source>新增工作人员</source>
        <translation>Staff added</translation>
    </message>
    <message>
        <source>停用工作人员账号</source>
        <translation>Staff account disabled</translation>
    </message>
    <message>
        <source>重新启用工作人员账号</source>
        <translation>Staff account enabled again</translation>
    </message>
    <message>
        <source>重置工作人员密码</source>
        <translation>Staff password reset</translation>
    </message>
    <message>
        <source>修改本人密码</source>
        <translation>Own password changed</translation>
    </message>
    <message>
        <source>更改设置</source>
        <translation>Settings changed</translation>
    </message>
    <message>
        <source>设置文件在程序外被改动</source>
        <translation>Settings file changed outside the program</translation>
    </message>
    <message>
        <source>采用已有设置文件</source>
        <translation>Existing settings file adopted</translation>
    </message>
    <message>
        <source>导出数据密钥备份</source>
        <translation>Data key exported</translation>
    </message>
    <message>
        <source>导入数据密钥</source>
        <translation>Data key imported</translation>
    </message>
    <message>
        <source>禁止受理</source>
        <translation>Prohibited</translation>
    </message>
    <message>
        <source>限制受理</source>
        <translation>Restricted</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Alert</translation>
    </message>
    <message>
        <source>守信激励</source>
        <translation>Incentive</translation>
    </message>
    <message>
        <source>未发现信用记录</source>
        <translation>No credit records</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>请等本次核查结束 / wait for the check to finish</source>
        <translation>Wait for the check to finish</translation>
    </message>
    <message>
        <source>一窗受理信用核查 CreditDesk</source>
        <translation>CreditDesk — credit checks at the counter</translation>
    </message>
    <message>
        <source> — 演示</source>
        <translation> — demo</translation>
    </message>
    <message>
        <source>演示数据 / demo data — 示例账号 demo-clerk / demo-clerk-pass，科长 demo-sup / demo-sup-pass</source>
        <translation>Demo data — sample account demo-clerk / demo-clerk-pass, supervisor demo-sup / demo-sup-pass</translation>
    </message>
    <message>
        <source>演示模式</source>
        <translation>Demo mode</translation>
    </message>
    <message>
        <source>扫描或输入统一社会信用代码 / 身份证号码，回车核查</source>
        <translation>Scan or type a unified social credit code or resident ID number, Enter to check</translation>
    </message>
    <message>
        <source>主体号码</source>
        <translation>Subject number</translation>
    </message>
    <message>
        <source>核查</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>号码(&amp;N)</source>
        <translation>&amp;Number</translation>
    </message>
    <message>
        <source>事项(&amp;I)</source>
        <translation>&amp;Item</translation>
    </message>
    <message>
        <source>提示信息</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>核查(&amp;C)</source>
        <translation>&amp;Check</translation>
    </message>
    <message>
        <source>打印信用报告…</source>
        <translation>Print credit report…</translation>
    </message>
    <message>
        <source>另存为 PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <source>核验报告…</source>
        <translation>Verify a report…</translation>
    </message>
    <message>
        <source>确认已阅</source>
        <translation>Acknowledge</translation>
    </message>
    <message>
        <source>容缺受理…</source>
        <translation>Tolerance acceptance…</translation>
    </message>
    <message>
        <source>下一位</source>
        <translation>Next applicant</translation>
    </message>
    <message>
        <source>立即同步名单</source>
        <translation>Sync lists now</translation>
    </message>
    <message>
        <source>批量核查…</source>
        <translation>Batch check…</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>窗口(&amp;W)</source>
        <translation>&amp;Window</translation>
    </message>
    <message>
        <source>承诺跟踪</source>
        <translation>Commitments</translation>
    </message>
    <message>
        <source>变动提醒</source>
        <translation>Change alerts</translation>
    </message>
    <message>
        <source>监督审查…</source>
        <translation>Supervisor &amp;review…</translation>
    </message>
    <message>
        <source>已连接的业务系统…</source>
        <translation>Paired business systems…</translation>
    </message>
    <message>
        <source>设置…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>修改我的密码…</source>
        <translation>Change my password…</translation>
    </message>
    <message>
        <source>锁定</source>
        <translation>Lock</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>示例 (Samples)(&amp;S)</source>
        <translation>&amp;Samples</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>键盘快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <source>正在核查上一位申请人，请稍候</source>
        <translation type="vanished">Still checking the previous applicant, please wait</translation>
    </message>
    <message>
        <source>✖ 号码无效：%1</source>
        <translation type="vanished">✖ Invalid number: %1</translation>
    </message>
    <message>
        <source>✖ 请先选择办理事项 / choose a business item</source>
        <translation type="vanished">✖ Choose a business item first</translation>
    </message>
    <message>
        <source>由15位旧号码转换</source>
        <translation type="vanished">converted from an old 15-digit number</translation>
    </message>
    <message>
        <source>从扫描内容中提取</source>
        <translation type="vanished">taken from scanned text</translation>
    </message>
    <message>
        <source>正在核查 %1 …</source>
        <translation type="vanished">Checking %1 …</translation>
    </message>
    <message>
        <source>✖ 无法核查：%1</source>
        <translation type="vanished">✖ Cannot check: %1</translation>
    </message>
    <message>
        <source>✔ 同步完成：%1 条变更，%2 条变动提醒</source>
        <translation>✔ Sync finished: %1 changes, %2 change alerts</translation>
    </message>
    <message>
        <source>✖ 同步失败：%1</source>
        <translation>✖ Sync failed: %1</translation>
    </message>
    <message>
        <source>本地接口未运行 / the local bridge is not running</source>
        <translation>the local bridge is not running</translation>
    </message>
    <message>
        <source>密码已修改 / password changed</source>
        <translation>Password changed</translation>
    </message>
    <message>
        <source>监管检查人员不在受理窗口工作：请关闭本程序，重新打开后登录，即进入行政监管窗口</source>
        <translation>Inspectors do not work at the counter: close the program, open it again and sign in to reach the supervision window</translation>
    </message>
    <message>
        <source>回车	核查</source>
        <translation>Enter	Check</translation>
    </message>
    <message>
        <source>一窗受理信用核查客户端 CreditDesk %1</source>
        <translation>CreditDesk %1 — credit checks at the one-window counter</translation>
    </message>
</context>
<context>
    <name>NewPasswordFields</name>
    <message>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>再次输入新密码</source>
        <translation>New password again</translation>
    </message>
    <message>
        <source>新密码(&amp;N)（至少 %1 位）：</source>
        <translation>&amp;New password (at least %1 characters):</translation>
    </message>
    <message>
        <source>再次输入新密码(&amp;G)：</source>
        <translation>New password a&amp;gain:</translation>
    </message>
    <message>
        <source>两次输入的新密码不一致 / the two new passwords differ</source>
        <translation>The two new passwords differ</translation>
    </message>
</context>
<context>
    <name>OverrideModel</name>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>工作人员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>批准人</source>
        <translation>Approver</translation>
    </message>
    <message>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>法律依据</source>
        <translation>Legal ground</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>对象</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>跟进意见</source>
        <translation>Follow-up note</translation>
    </message>
</context>
<context>
    <name>OverrideReview</name>
    <message>
        <source>⚠ 请先选择一条依法继续办理记录</source>
        <translation>⚠ Select an override first</translation>
    </message>
    <message>
        <source>筛选：工作人员、批准人、理由、事项…</source>
        <translation>Filter: clerk, approver, reason, item…</translation>
    </message>
    <message>
        <source>筛选依法继续办理记录</source>
        <translation>Filter overrides</translation>
    </message>
    <message>
        <source>依法继续办理记录</source>
        <translation>Overrides</translation>
    </message>
    <message>
        <source>跟进意见(&amp;N)：</source>
        <translation>Follow-up &amp;note:</translation>
    </message>
    <message>
        <source>跟进意见</source>
        <translation>Follow-up note</translation>
    </message>
    <message>
        <source>科室负责人填写复核或整改意见（不超过1000字）</source>
        <translation>The supervisor&apos;s review or corrective note (up to 1000 characters)</translation>
    </message>
    <message>
        <source>保存跟进意见(&amp;S)</source>
        <translation>&amp;Save note</translation>
    </message>
    <message>
        <source>保存跟进意见</source>
        <translation>Save note</translation>
    </message>
    <message>
        <source>依法继续办理 %1 次，其中 %2 次尚无跟进意见</source>
        <translation>%1 overrides, %2 without a follow-up note</translation>
    </message>
    <message>
        <source>✔ 已保存跟进意见</source>
        <translation>✔ Note saved</translation>
    </message>
</context>
<context>
    <name>PairingDialog</name>
    <message>
        <source>业务系统请求连接本窗口</source>
        <translation>A business system asks to pair with this desk</translation>
    </message>
    <message>
        <source>本机上的程序（无网页来源）</source>
        <translation>a program on this PC (no web origin)</translation>
    </message>
    <message>
        <source>业务系统“%1”请求连接本窗口，以便把申请人送到柜台核查并取回结果。
来源：%2

请核对对方页面上显示的配对码与下面的一致：</source>
        <translation>The business system “%1” asks to pair with this desk, to send applicants to the counter for checks and receive the results.
Origin: %2

Compare the pairing code shown on its page with the one below:</translation>
    </message>
    <message>
        <source>配对请求</source>
        <translation>Pairing request</translation>
    </message>
    <message>
        <source>配对码</source>
        <translation>Pairing code</translation>
    </message>
    <message>
        <source>批准连接(&amp;P)</source>
        <translation>A&amp;pprove pairing</translation>
    </message>
    <message>
        <source>批准连接</source>
        <translation>Approve pairing</translation>
    </message>
    <message>
        <source>拒绝(&amp;R)</source>
        <translation>&amp;Refuse</translation>
    </message>
    <message>
        <source>拒绝连接</source>
        <translation>Refuse pairing</translation>
    </message>
</context>
<context>
    <name>PlanModel</name>
    <message>
        <source>行号</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>监管类别</source>
        <translation>Class</translation>
    </message>
    <message>
        <source>主体名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>Identifier</translation>
    </message>
    <message>
        <source>所属区域</source>
        <translation>District</translation>
    </message>
    <message>
        <source>分类依据 / 说明</source>
        <translation>Reasons / note</translation>
    </message>
</context>
<context>
    <name>Punctuation</name>
    <message>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
</context>
<context>
    <name>RecordsModel</name>
    <message>
        <source>名单</source>
        <translation>List</translation>
    </message>
    <message>
        <source>认定部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>依据</source>
        <translation>Basis</translation>
    </message>
    <message>
        <source>列入日期</source>
        <translation>Listed on</translation>
    </message>
    <message>
        <source>到期日</source>
        <translation>Expires on</translation>
    </message>
    <message>
        <source>守信红名单</source>
        <translation>red list</translation>
    </message>
    <message>
        <source>失信黑名单</source>
        <translation>blacklist</translation>
    </message>
    <message>
        <source>经营异常名录</source>
        <translation>business abnormality list</translation>
    </message>
    <message>
        <source>严重违法失信企业名单</source>
        <translation>serious illegal and dishonest list</translation>
    </message>
</context>
<context>
    <name>ReportPrinter</name>
    <message>
        <source>保存信用报告为 PDF</source>
        <translation>Save the credit report as PDF</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>打印预览 — 报告编号 %1</source>
        <translation>Print preview — report no. %1</translation>
    </message>
    <message>
        <source>打印预览</source>
        <translation>Print preview</translation>
    </message>
    <message>
        <source>已保存</source>
        <translation>Saved</translation>
    </message>
    <message>
        <source>信用报告 %1 已保存：%2
核验码 %3</source>
        <translation>Credit report %1 saved: %2
Verification code %3</translation>
    </message>
    <message>
        <source>无法生成报告</source>
        <translation>Cannot create the report</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <source>为 %1（%2）设置临时密码。请当面告知本人；本人下次登录时须设置新密码。</source>
        <translation>Set a temporary password for %1 (%2). Tell it to them in person; they must choose a new password at their next sign-in.</translation>
    </message>
    <message>
        <source>重置(&amp;O)</source>
        <translation>Reset (&amp;O)</translation>
    </message>
</context>
<context>
    <name>RetentionView</name>
    <message>
        <source>立即清除到期的个人信息</source>
        <translation>Purge expired personal data now</translation>
    </message>
    <message>
        <source>执行时间</source>
        <translation>Run at</translation>
    </message>
    <message>
        <source>清除条数</source>
        <translation>Entries purged</translation>
    </message>
    <message>
        <source>保存期限（天）</source>
        <translation>Retention (days)</translation>
    </message>
    <message>
        <source>保存期限（天）：</source>
        <translation>Retention (days):</translation>
    </message>
    <message>
        <source>更改保存期限</source>
        <translation>Change retention</translation>
    </message>
    <message>
        <source>⚠ 只有科室负责人可以执行清除</source>
        <translation>⚠ Only a supervisor may purge</translation>
    </message>
    <message>
        <source>⚠ 只有科室负责人可以更改保存期限</source>
        <translation>⚠ Only a supervisor may change the retention</translation>
    </message>
    <message>
        <source>保存期限已改为 %1 天</source>
        <translation>Retention changed to %1 days</translation>
    </message>
    <message>
        <source>已清除 %1 条日志的个人信息</source>
        <translation>Personal data of %1 entries purged</translation>
    </message>
    <message>
        <source>日志中的个人信息（主体、详情）保存 %1 天，到期自动清除（每天一次）；清除后日志链仍可核验。</source>
        <translation>Personal data in the log (subject, details) is kept for %1 days and purged automatically when due (once a day); the chain still verifies after a purge.</translation>
    </message>
    <message>
        <source>尚未执行过清除。</source>
        <translation>No purge has run yet.</translation>
    </message>
    <message>
        <source>上次清除：%1。</source>
        <translation>Last purge: %1.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>平台地址</source>
        <translation>Platform URL</translation>
    </message>
    <message>
        <source>CA 证书文件</source>
        <translation>CA certificate file</translation>
    </message>
    <message>
        <source>选择(&amp;B)…</source>
        <translation>&amp;Browse…</translation>
    </message>
    <message>
        <source>选择 CA 证书文件</source>
        <translation>Choose the CA certificate file</translation>
    </message>
    <message>
        <source>代理服务器</source>
        <translation>Proxy server</translation>
    </message>
    <message>
        <source>不使用代理时留空，例如 http://10.0.0.1:3128</source>
        <translation>Leave empty for no proxy, e.g. http://10.0.0.1:3128</translation>
    </message>
    <message>
        <source>窗口编号</source>
        <translation>Counter ID</translation>
    </message>
    <message>
        <source>所属部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>留空：办理全部事项</source>
        <translation>Empty: every business item</translation>
    </message>
    <message>
        <source>所属部门提示</source>
        <translation>Department notice</translation>
    </message>
    <message>
        <source>常用事项代码</source>
        <translation>Frequent item codes</translation>
    </message>
    <message>
        <source>用逗号分隔，例如 GOV_PROCUREMENT,FOOD_LICENCE</source>
        <translation>Comma separated, e.g. GOV_PROCUREMENT,FOOD_LICENCE</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>无操作自动锁定（分钟）</source>
        <translation>Lock when idle (minutes)</translation>
    </message>
    <message>
        <source> 分钟</source>
        <translation> min</translation>
    </message>
    <message>
        <source>离线快照过期时限（小时）</source>
        <translation>Offline snapshot expires after (hours)</translation>
    </message>
    <message>
        <source> 小时</source>
        <translation> h</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <source>接口密钥状态</source>
        <translation>API key status</translation>
    </message>
    <message>
        <source>更换接口密钥</source>
        <translation>Replace the API key</translation>
    </message>
    <message>
        <source>留空则不更换</source>
        <translation>Leave empty to keep the current key</translation>
    </message>
    <message>
        <source>平台连接</source>
        <translation>Platform connection</translation>
    </message>
    <message>
        <source>平台地址(&amp;U)：</source>
        <translation>Platform &amp;URL:</translation>
    </message>
    <message>
        <source>CA 证书(&amp;C)：</source>
        <translation>&amp;CA certificate:</translation>
    </message>
    <message>
        <source>代理(&amp;X)：</source>
        <translation>Pro&amp;xy:</translation>
    </message>
    <message>
        <source>ⓘ 平台地址、证书与代理的更改在重新启动程序后生效。</source>
        <translation>ⓘ Changes to the platform URL, certificate and proxy take effect after a restart.</translation>
    </message>
    <message>
        <source>本窗口</source>
        <translation>This counter</translation>
    </message>
    <message>
        <source>窗口编号(&amp;N)：</source>
        <translation>Counter &amp;number:</translation>
    </message>
    <message>
        <source>所属部门(&amp;D)：</source>
        <translation>&amp;Department:</translation>
    </message>
    <message>
        <source>常用事项(&amp;I)：</source>
        <translation>Frequent &amp;items:</translation>
    </message>
    <message>
        <source>界面语言(&amp;L)：</source>
        <translation>&amp;Language:</translation>
    </message>
    <message>
        <source>无操作自动锁定(&amp;M)：</source>
        <translation>Lock when idle after (&amp;minutes):</translation>
    </message>
    <message>
        <source>快照过期时限(&amp;H)：</source>
        <translation>Snapshot expires after (&amp;hours):</translation>
    </message>
    <message>
        <source>接口密钥（保存在系统密钥库，不在设置文件中）</source>
        <translation>API key (kept in the system keyring, not in the settings file)</translation>
    </message>
    <message>
        <source>当前状态：</source>
        <translation>Current status:</translation>
    </message>
    <message>
        <source>更换接口密钥(&amp;K)：</source>
        <translation>Replace the API &amp;key:</translation>
    </message>
    <message>
        <source>错误</source>
        <translation type="vanished">Error</translation>
    </message>
    <message>
        <source>保存(&amp;S)</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <source>保存设置</source>
        <translation>Save the settings</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>取消，不保存</source>
        <translation>Cancel without saving</translation>
    </message>
    <message>
        <source>（全部事项，不按部门筛选）</source>
        <translation>(Every item, no department filter)</translation>
    </message>
    <message>
        <source>✔ 已设置</source>
        <translation>✔ Set</translation>
    </message>
    <message>
        <source>✖ 未设置</source>
        <translation>✖ Not set</translation>
    </message>
    <message>
        <source>？ 无法读取</source>
        <translation>? Cannot read</translation>
    </message>
    <message>
        <source>平台地址必须以 http:// 或 https:// 开头并含主机名 / the platform URL must start with http:// or https:// and name a host</source>
        <translation>The platform URL must start with http:// or https:// and name a host</translation>
    </message>
    <message>
        <source>代理地址必须形如 http://主机:端口 / the proxy must look like http://host:port</source>
        <translation>The proxy must look like http://host:port</translation>
    </message>
    <message>
        <source>窗口编号为1-64位字母、数字或 _.- / the counter id is 1-64 letters, digits or _.-</source>
        <translation>The counter ID is 1-64 letters, digits or _.-</translation>
    </message>
    <message>
        <source>部门名称不超过64字 / the department is at most 64 characters</source>
        <translation>The department is at most 64 characters</translation>
    </message>
    <message>
        <source>事项代码无效：%1 / invalid item codes: %1</source>
        <translation>Invalid item codes: %1</translation>
    </message>
    <message>
        <source>快照过期时限应在1到720小时之间 / the snapshot limit is 1-720 hours</source>
        <translation>The snapshot limit is 1-720 hours</translation>
    </message>
    <message>
        <source>自动锁定应在1到120分钟之间 / the idle lock is 1-120 minutes</source>
        <translation>The idle lock is 1-120 minutes</translation>
    </message>
    <message>
        <source>不支持的语言 / unsupported language</source>
        <translation>Unsupported language</translation>
    </message>
    <message>
        <source>接口密钥格式不对（至少8位，不含空格）/ the API key looks wrong (8+ characters, no spaces)</source>
        <translation>The API key looks wrong (8+ characters, no spaces)</translation>
    </message>
    <message>
        <source>找不到 CA 证书文件：%1 / CA bundle not found: %1</source>
        <translation>CA certificate file not found: %1</translation>
    </message>
    <message>
        <source>证书 (*.pem *.crt *.cer);;所有文件 (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>登录 — 一窗受理信用核查</source>
        <translation>Sign in — CreditDesk</translation>
    </message>
    <message>
        <source>正在读取账号…</source>
        <translation type="vanished">Reading accounts…</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Staff ID</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>工号(&amp;I)：</source>
        <translation>Staff &amp;ID:</translation>
    </message>
    <message>
        <source>密码(&amp;W)：</source>
        <translation>Pass&amp;word:</translation>
    </message>
    <message>
        <source>负责人工号</source>
        <translation>Supervisor&apos;s staff ID</translation>
    </message>
    <message>
        <source>负责人姓名</source>
        <translation>Supervisor&apos;s name</translation>
    </message>
    <message>
        <source>再次输入密码</source>
        <translation>Repeat the password</translation>
    </message>
    <message>
        <source>姓名(&amp;N)：</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>密码(&amp;W)（至少 8 位）：</source>
        <translation>Pass&amp;word (at least 8 characters):</translation>
    </message>
    <message>
        <source>再次输入密码(&amp;A)：</source>
        <translation>Repe&amp;at the password:</translation>
    </message>
    <message>
        <source>%1 的密码已由科室负责人重置。请设置新密码后登录。</source>
        <translation>The password of %1 was reset by a supervisor. Choose a new password to sign in.</translation>
    </message>
    <message>
        <source>错误</source>
        <translation type="vanished">Error</translation>
    </message>
    <message>
        <source>登录(&amp;L)</source>
        <translation>Sign &amp;in</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>创建并登录(&amp;C)</source>
        <translation>&amp;Create and sign in</translation>
    </message>
    <message>
        <source>创建负责人账号并登录</source>
        <translation>Create the supervisor account and sign in</translation>
    </message>
    <message>
        <source>设置新密码并登录(&amp;S)</source>
        <translation>&amp;Set new password and sign in</translation>
    </message>
    <message>
        <source>设置新密码并登录</source>
        <translation>Set new password and sign in</translation>
    </message>
    <message>
        <source>取消(&amp;Q)</source>
        <translation>Cancel (&amp;Q)</translation>
    </message>
    <message>
        <source>取消登录</source>
        <translation>Cancel signing in</translation>
    </message>
    <message>
        <source>本窗口还没有账号：请创建第一个账号（科室负责人）</source>
        <translation>This counter has no accounts yet: create the first one (a supervisor)</translation>
    </message>
    <message>
        <source>请登录</source>
        <translation>Please sign in</translation>
    </message>
    <message>
        <source>无法读取账号</source>
        <translation>Cannot read the accounts</translation>
    </message>
    <message>
        <source>正在打开本机数据…</source>
        <translation>Opening this desk&apos;s data…</translation>
    </message>
    <message>
        <source>两次输入的密码不一致 / the two passwords differ</source>
        <translation>The two passwords differ</translation>
    </message>
</context>
<context>
    <name>SignInNotice</name>
    <message>
        <source>承诺到期提醒</source>
        <translation>Commitments due notice</translation>
    </message>
    <message>
        <source>查看承诺(&amp;M)</source>
        <translation>View co&amp;mmitments</translation>
    </message>
    <message>
        <source>打开承诺跟踪</source>
        <translation>Open the commitments panel</translation>
    </message>
    <message>
        <source>知道了</source>
        <translation>Got it</translation>
    </message>
    <message>
        <source>关闭承诺到期提醒</source>
        <translation>Close the commitments due notice</translation>
    </message>
    <message>
        <source>⚠ 承诺提醒：今日到期 %1 项，逾期 %2 项</source>
        <translation>⚠ Commitments: %1 due today, %2 overdue</translation>
    </message>
    <message>
        <source>；其中 %1 项已过宽限期，建议登记为未履行（需科室负责人确认）</source>
        <translation>; %1 of them past the grace period, breach proposed (a supervisor confirms)</translation>
    </message>
</context>
<context>
    <name>StaffRoles</name>
    <message>
        <source>受理员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>科室负责人</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>监管人员</source>
        <translation>Inspector</translation>
    </message>
    <message>
        <source>服务账号（脚本）</source>
        <translation>Service account (scripts)</translation>
    </message>
</context>
<context>
    <name>StaffView</name>
    <message>
        <source>取消(&amp;Q)</source>
        <translation>Cancel (&amp;Q)</translation>
    </message>
    <message>
        <source>本窗口的工作人员账号。停用的账号不能登录窗口或命令行；重置密码后，本人须在下次登录时设置新密码。每项更改都记入日志。</source>
        <translation>This desk&apos;s staff accounts. A disabled account cannot sign in to the window or the command line; after a password reset, its holder must choose a new password at the next sign-in. Every change is logged.</translation>
    </message>
    <message>
        <source>工作人员账号</source>
        <translation>Staff accounts</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Staff ID</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>须改密码</source>
        <translation>Must change password</translation>
    </message>
    <message>
        <source>新增账号(&amp;N)…</source>
        <translation>&amp;New account…</translation>
    </message>
    <message>
        <source>停用(&amp;D)</source>
        <translation>&amp;Disable</translation>
    </message>
    <message>
        <source>重新启用(&amp;E)</source>
        <translation>&amp;Enable again</translation>
    </message>
    <message>
        <source>重置密码(&amp;P)…</source>
        <translation>Reset &amp;password…</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>工作人员管理信息</source>
        <translation>Staff administration message</translation>
    </message>
    <message>
        <source>⚠ 是（下次登录时设置）</source>
        <translation>⚠ Yes (at the next sign-in)</translation>
    </message>
    <message>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <source>✖ 已停用</source>
        <translation>✖ Disabled</translation>
    </message>
    <message>
        <source>✔ 启用</source>
        <translation>✔ Enabled</translation>
    </message>
    <message>
        <source>已停用 %1</source>
        <translation>%1 disabled</translation>
    </message>
    <message>
        <source>已重新启用 %1</source>
        <translation>%1 enabled again</translation>
    </message>
    <message>
        <source>已新增 %1（%2）</source>
        <translation>%1 added (%2)</translation>
    </message>
    <message>
        <source>已重置 %1 的密码：本人下次登录时须设置新密码</source>
        <translation>Password of %1 reset: they must choose a new one at their next sign-in</translation>
    </message>
</context>
<context>
    <name>StatsModel</name>
    <message>
        <source>禁止</source>
        <translation>Prohibit</translation>
    </message>
    <message>
        <source>限制</source>
        <translation>Restrict</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Alert</translation>
    </message>
    <message>
        <source>激励</source>
        <translation>Incentive</translation>
    </message>
    <message>
        <source>终止办理</source>
        <translation>Terminated</translation>
    </message>
    <message>
        <source>依法继续办理</source>
        <translation>Overridden by law</translation>
    </message>
    <message>
        <source>继续办理</source>
        <translation>Proceeded</translation>
    </message>
    <message>
        <source>容缺受理</source>
        <translation>Fast-tracks</translation>
    </message>
    <message>
        <source>承诺履行</source>
        <translation>Commitment kept</translation>
    </message>
    <message>
        <source>承诺违约</source>
        <translation>Commitment breached</translation>
    </message>
    <message>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <source>周期</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>核查</source>
        <translation>Checks</translation>
    </message>
    <message>
        <source>触发措施</source>
        <translation>Measures</translation>
    </message>
    <message>
        <source>处理</source>
        <translation>Responses</translation>
    </message>
    <message>
        <source>反馈已送达/失败/待发</source>
        <translation>Feedback sent/failed/pending</translation>
    </message>
    <message>
        <source>批准人</source>
        <translation>Approver</translation>
    </message>
</context>
<context>
    <name>StatsView</name>
    <message>
        <source>按日</source>
        <translation>By day</translation>
    </message>
    <message>
        <source>按周</source>
        <translation>By week</translation>
    </message>
    <message>
        <source>按月</source>
        <translation>By month</translation>
    </message>
    <message>
        <source>全部事项</source>
        <translation>All items</translation>
    </message>
    <message>
        <source>周期(&amp;D)：</source>
        <translation>Perio&amp;d:</translation>
    </message>
    <message>
        <source>事项(&amp;I)：</source>
        <translation>&amp;Item:</translation>
    </message>
    <message>
        <source>统计周期</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <source>至</source>
        <translation>To</translation>
    </message>
    <message>
        <source>起始日期</source>
        <translation>First day</translation>
    </message>
    <message>
        <source>截止日期</source>
        <translation>Last day</translation>
    </message>
    <message>
        <source>打印(&amp;P)…</source>
        <translation>&amp;Print…</translation>
    </message>
    <message>
        <source>另存为 PDF(&amp;S)…</source>
        <translation>&amp;Save as PDF…</translation>
    </message>
    <message>
        <source>闭环统计表</source>
        <translation>Closed-loop table</translation>
    </message>
    <message>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>各周期核查与处理情况</source>
        <translation>Checks and responses per period</translation>
    </message>
    <message>
        <source>%1 至 %2</source>
        <translation>%1 to %2</translation>
    </message>
    <message>
        <source>最早</source>
        <translation>earliest</translation>
    </message>
    <message>
        <source>最新</source>
        <translation>latest</translation>
    </message>
    <message>
        <source>周期：%1&#x3000;日期：%2&#x3000;事项：%3</source>
        <translation>Period: %1   Days: %2   Item: %3</translation>
    </message>
    <message>
        <source>核查</source>
        <translation>Checks</translation>
    </message>
    <message>
        <source>触发措施</source>
        <translation>Measures</translation>
    </message>
    <message>
        <source>依法继续办理</source>
        <translation>Overrides</translation>
    </message>
    <message>
        <source>容缺受理</source>
        <translation>Fast-tracks</translation>
    </message>
    <message>
        <source>反馈失败或待发</source>
        <translation>Feedback failed or pending</translation>
    </message>
    <message>
        <source>合计：核查 %1；触发措施 %2；处理 %3；反馈 已送达 %4 / 失败 %5 / 待发 %6；依法继续办理 %7；容缺受理 %8；承诺履行 %9；承诺违约 %10</source>
        <translation>Total: checks %1; measures %2; responses %3; feedback sent %4 / failed %5 / pending %6; overrides %7; fast-tracks %8; commitments kept %9; commitments breached %10</translation>
    </message>
    <message>
        <source>信用核查闭环统计</source>
        <translation>Credit check closed loop</translation>
    </message>
    <message>
        <source>生成：%1&#x3000;操作员：%2</source>
        <translation type="vanished">Made: %1   By: %2</translation>
    </message>
    <message>
        <source>打印预览 — 闭环统计</source>
        <translation>Print preview — closed loop</translation>
    </message>
    <message>
        <source>保存闭环统计为 PDF</source>
        <translation>Save the closed loop as PDF</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>✔ 已保存：%1</source>
        <translation>✔ Saved: %1</translation>
    </message>
    <message>
        <source>✖ 无法保存：%1</source>
        <translation>✖ Could not save: %1</translation>
    </message>
    <message>
        <source>第 %1 页 / 共 %2 页</source>
        <translation>Page %1 of %2</translation>
    </message>
    <message>
        <source>生成：%1（北京时间）&#x3000;操作员：%2</source>
        <translation>Made: %1 (UTC+8)   By: %2</translation>
    </message>
    <message>
        <source>✖ 无法打印：%1</source>
        <translation>✖ Could not print: %1</translation>
    </message>
</context>
<context>
    <name>StatusCard</name>
    <message>
        <source>核查结果</source>
        <translation>Check results</translation>
    </message>
    <message>
        <source>快照过时警告</source>
        <translation>Stale snapshot warning</translation>
    </message>
    <message>
        <source>核查结论</source>
        <translation>Verdict</translation>
    </message>
    <message>
        <source>数据来源</source>
        <translation>Data source</translation>
    </message>
    <message>
        <source>核查详情</source>
        <translation>Check details</translation>
    </message>
    <message>
        <source>主体名称</source>
        <translation>Subject name</translation>
    </message>
    <message>
        <source>主体号码（已脱敏）</source>
        <translation>Subject number (masked)</translation>
    </message>
    <message>
        <source>公共信用评价</source>
        <translation>Public credit rating</translation>
    </message>
    <message>
        <source>案号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <source>案号：%1</source>
        <translation>Case no.: %1</translation>
    </message>
    <message>
        <source>业务系统：%1</source>
        <translation>Business system: %1</translation>
    </message>
    <message>
        <source>确认提示</source>
        <translation>Acknowledge alerts</translation>
    </message>
    <message>
        <source>容缺受理 (fast-track)  F8</source>
        <translation>Tolerance acceptance (fast-track)  F8</translation>
    </message>
    <message>
        <source>容缺受理</source>
        <translation>Tolerance acceptance</translation>
    </message>
    <message>
        <source>适用措施</source>
        <translation>Applicable measures</translation>
    </message>
    <message>
        <source>信用记录</source>
        <translation>Credit records</translation>
    </message>
    <message>
        <source>风险预警</source>
        <translation>Risk warnings</translation>
    </message>
    <message>
        <source>关联主体</source>
        <translation>Related parties</translation>
    </message>
    <message>
        <source>禁止受理</source>
        <translation>Prohibited</translation>
    </message>
    <message>
        <source>限制受理</source>
        <translation>Restricted</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Alert</translation>
    </message>
    <message>
        <source>守信激励</source>
        <translation>Trust incentive</translation>
    </message>
    <message>
        <source>未发现信用记录</source>
        <translation>No credit records found</translation>
    </message>
    <message>
        <source>禁止</source>
        <translation>Prohibit</translation>
    </message>
    <message>
        <source>限制</source>
        <translation>Restrict</translation>
    </message>
    <message>
        <source>激励</source>
        <translation>Incentive</translation>
    </message>
    <message>
        <source>失信黑名单</source>
        <translation>Blacklist</translation>
    </message>
    <message>
        <source>严重违法失信企业名单</source>
        <translation>Serious illegal and dishonest enterprises</translation>
    </message>
    <message>
        <source>经营异常名录</source>
        <translation>Business-abnormality list</translation>
    </message>
    <message>
        <source>守信红名单</source>
        <translation>Red list</translation>
    </message>
    <message>
        <source>有效</source>
        <translation>In force</translation>
    </message>
    <message>
        <source>已修复</source>
        <translation>Repaired</translation>
    </message>
    <message>
        <source>已过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>红色预警</source>
        <translation>Red warning</translation>
    </message>
    <message>
        <source>黄色预警</source>
        <translation>Yellow warning</translation>
    </message>
    <message>
        <source>蓝色预警</source>
        <translation>Blue warning</translation>
    </message>
    <message>
        <source>组织机构</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>自然人</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>扫描或输入号码后按回车核查</source>
        <translation>Scan or type a number, then press Enter to check</translation>
    </message>
    <message>
        <source>ℹ 提示类信息：按 Ctrl+K 确认已阅</source>
        <translation>ℹ For information: press Ctrl+K to acknowledge</translation>
    </message>
    <message>
        <source>适用措施（事项：%1）</source>
        <translation>Applicable measures (item: %1)</translation>
    </message>
    <message>
        <source>依据：%1</source>
        <translation>Basis: %1</translation>
    </message>
    <message>
        <source>✔ 已确认已阅</source>
        <translation>✔ Acknowledged</translation>
    </message>
    <message>
        <source>✔ 已容缺受理，承诺书编号 %1</source>
        <translation>✔ Accepted with materials missing, commitment letter no. %1</translation>
    </message>
    <message>
        <source>来源：信用平台（实时） · 核查时间 %1</source>
        <translation>Source: credit platform (live) · checked at %1</translation>
    </message>
    <message>
        <source>来源：离线快照（%1 小时前同步） · 核查时间 %2</source>
        <translation>Source: offline snapshot (synced %1 hours ago) · checked at %2</translation>
    </message>
    <message>
        <source>⚠ 名单快照已过时（%1 小时前同步），结论可能不准确。请联网后按 F5 同步。</source>
        <translation>⚠ The list snapshot is stale (synced %1 hours ago); the verdict may be inaccurate. Connect and press F5 to sync.</translation>
    </message>
    <message>
        <source>（平台无此主体记录）</source>
        <translation>(the platform has no record of this subject)</translation>
    </message>
    <message>
        <source>公共信用评价：%1 级（%2 分）</source>
        <translation>Public credit rating: grade %1 (%2 points)</translation>
    </message>
    <message>
        <source>公共信用评价：无</source>
        <translation>Public credit rating: none</translation>
    </message>
    <message>
        <source>公共信用评价：离线时不可用</source>
        <translation>Public credit rating: not available offline</translation>
    </message>
    <message>
        <source>【%1】 %2 条</source>
        <translation>[%1] %2</translation>
    </message>
    <message>
        <source>离线时不可用</source>
        <translation>Not available offline</translation>
    </message>
    <message>
        <source>%1 条</source>
        <translation type="vanished">%1</translation>
    </message>
    <message>
        <source>长期</source>
        <translation>indefinite</translation>
    </message>
    <message>
        <source>%1 · %2 · 列入 %3 · 至 %4 · %5</source>
        <translation>%1 · %2 · listed %3 · until %4 · %5</translation>
    </message>
    <message>
        <source>无信用记录</source>
        <translation>No credit records</translation>
    </message>
    <message>
        <source>自 %1</source>
        <translation>since %1</translation>
    </message>
    <message>
        <source>经由 %1</source>
        <translation>via %1</translation>
    </message>
</context>
<context>
    <name>SupervisorApproval</name>
    <message>
        <source>科室负责人当场批准</source>
        <translation>Supervisor&apos;s approval on the spot</translation>
    </message>
    <message>
        <source>负责人工号</source>
        <translation>Supervisor&apos;s staff ID</translation>
    </message>
    <message>
        <source>负责人密码</source>
        <translation>Supervisor&apos;s password</translation>
    </message>
    <message>
        <source>批准(&amp;A)</source>
        <translation>&amp;Approve</translation>
    </message>
    <message>
        <source>批准</source>
        <translation>Approve</translation>
    </message>
    <message>
        <source>批准状态</source>
        <translation>Approval status</translation>
    </message>
    <message>
        <source>批准错误</source>
        <translation>Approval error</translation>
    </message>
    <message>
        <source>负责人工号(&amp;I)：</source>
        <translation>Supervisor&apos;s staff &amp;ID:</translation>
    </message>
    <message>
        <source>负责人密码(&amp;W)：</source>
        <translation>Supervisor&apos;s pass&amp;word:</translation>
    </message>
    <message>
        <source>正在核验…</source>
        <translation>Verifying…</translation>
    </message>
    <message>
        <source>✔ 已批准：%1（%2）</source>
        <translation>✔ Approved: %1 (%2)</translation>
    </message>
    <message>
        <source>○ 尚未批准</source>
        <translation>○ Not approved yet</translation>
    </message>
</context>
<context>
    <name>SupervisorGate</name>
    <message>
        <source>监督审查：需要科室负责人</source>
        <translation>Supervisor review: a supervisor is needed</translation>
    </message>
    <message>
        <source>监督审查只对科室负责人开放。请科室负责人在此输入工号和密码；本次进入会记入日志。</source>
        <translation>The supervisor review is open to supervisors only. A supervisor enters their staff ID and password here; this entry is logged.</translation>
    </message>
</context>
<context>
    <name>SupervisorWindow</name>
    <message>
        <source>监督审查 — %1（%2）</source>
        <translation>Supervisor review — %1 (%2)</translation>
    </message>
    <message>
        <source>日志(&amp;1)</source>
        <translation>Log (&amp;1)</translation>
    </message>
    <message>
        <source>闭环统计(&amp;2)</source>
        <translation>Closed loop (&amp;2)</translation>
    </message>
    <message>
        <source>依法继续办理复核(&amp;3)</source>
        <translation>Overrides (&amp;3)</translation>
    </message>
    <message>
        <source>完整性与保存期限(&amp;4)</source>
        <translation>Integrity and retention (&amp;4)</translation>
    </message>
    <message>
        <source>其他窗口日志(&amp;5)</source>
        <translation>Other desks (&amp;5)</translation>
    </message>
    <message>
        <source>信用地图(&amp;6)</source>
        <translation>Credit map (&amp;6)</translation>
    </message>
    <message>
        <source>行政监管(&amp;7)</source>
        <translation>Supervision (&amp;7)</translation>
    </message>
    <message>
        <source>工作人员(&amp;8)</source>
        <translation>Staff (&amp;8)</translation>
    </message>
</context>
<context>
    <name>VerifyReportDialog</name>
    <message>
        <source>核验报告</source>
        <translation>Verify a report</translation>
    </message>
    <message>
        <source>二维码内容或报告编号</source>
        <translation>QR code text or report number</translation>
    </message>
    <message>
        <source>扫描二维码，或输入报告编号</source>
        <translation>Scan the QR code, or type the report number</translation>
    </message>
    <message>
        <source>核验码</source>
        <translation>Verification code</translation>
    </message>
    <message>
        <source>报告上印的核验码，如 7KQ2-M6XD-P4AB</source>
        <translation>The verification code printed on the report, e.g. 7KQ2-M6XD-P4AB</translation>
    </message>
    <message>
        <source>打开 PDF(&amp;O)…</source>
        <translation>&amp;Open PDF…</translation>
    </message>
    <message>
        <source>核验(&amp;V)</source>
        <translation>&amp;Verify</translation>
    </message>
    <message>
        <source>扫描报告上的二维码，或输入报告编号和核验码。</source>
        <translation>Scan the QR code on the report, or type the report number and verification code.</translation>
    </message>
    <message>
        <source>核验结果</source>
        <translation>Verification result</translation>
    </message>
    <message>
        <source>二维码 / 编号(&amp;N)：</source>
        <translation>QR code / &amp;number:</translation>
    </message>
    <message>
        <source>核验码(&amp;C)：</source>
        <translation>Verification &amp;code:</translation>
    </message>
    <message>
        <source>打开要核验的 PDF</source>
        <translation>Open the PDF to verify</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>正在向平台核验…</source>
        <translation>Asking the platform…</translation>
    </message>
    <message>
        <source>✔ 真实：与平台登记一致</source>
        <translation>✔ Genuine: matches the platform&apos;s registration</translation>
    </message>
    <message>
        <source>✘ 不符：报告已被修改或伪造</source>
        <translation>✘ Does not match: the report was altered or forged</translation>
    </message>
    <message>
        <source>？ 未登记：平台没有这份报告</source>
        <translation>? Unknown: the platform has no such report</translation>
    </message>
</context>
<context>
    <name>WarningsModel</name>
    <message>
        <source>等级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>预警事项</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>起始日期</source>
        <translation>Since</translation>
    </message>
    <message>
        <source>红色</source>
        <translation>red</translation>
    </message>
    <message>
        <source>黄色</source>
        <translation>yellow</translation>
    </message>
    <message>
        <source>蓝色</source>
        <translation>blue</translation>
    </message>
</context>
</TS>
